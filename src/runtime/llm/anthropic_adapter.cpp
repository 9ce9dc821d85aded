#include "runtime/llm/anthropic_adapter.hpp"

#include <boost/json/parse.hpp>

#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "runtime/llm/endpoint.hpp"
#include "runtime/llm/failures.hpp"

namespace sb::llm {

namespace json = boost::json;

namespace {

// OpenAI content: a string, or parts of which the text ones count.
std::string text_of(const json::object& message) {
  const auto* content = message.if_contains("content");
  if (!content) return "";
  if (const auto* s = content->if_string()) return std::string(*s);
  std::string out;
  if (const auto* parts = content->if_array()) {
    for (const auto& part : *parts) {
      const auto* p = part.if_object();
      if (!p || string_at(*p, "type") != "text") continue;
      if (!out.empty()) out += '\n';
      out += string_at(*p, "text");
    }
  }
  return out;
}

json::object text_block(std::string text) {
  return {{"type", "text"}, {"text", std::move(text)}};
}

// Anthropic wants an object; a model's malformed arguments become {}.
json::value tool_input(std::string_view arguments) {
  boost::system::error_code ec;
  auto parsed = json::parse(arguments, ec);
  if (ec || !parsed.is_object()) return json::object{};
  return parsed;
}

json::array assistant_blocks(const json::object& message) {
  json::array blocks;
  if (auto text = text_of(message); !text.empty()) blocks.push_back(text_block(std::move(text)));
  if (const auto* calls = array_at(message, "tool_calls")) {
    for (const auto& call : *calls) {
      const auto* c = call.if_object();
      const auto* function = c ? object_at(*c, "function") : nullptr;
      if (!function) continue;
      blocks.push_back(json::object{{"type", "tool_use"},
                                    {"id", string_at(*c, "id")},
                                    {"name", string_at(*function, "name")},
                                    {"input", tool_input(string_at(*function, "arguments"))}});
    }
  }
  return blocks;
}

json::array tool_result_blocks(const json::object& message) {
  return {json::object{{"type", "tool_result"},
                       {"tool_use_id", string_at(message, "tool_call_id")},
                       {"content", text_of(message)}}};
}

// Appends `blocks` as a turn of `role`, into the last turn when it has that role.
void append_turn(json::array& turns, std::string_view role, json::array blocks) {
  if (blocks.empty()) return;
  if (!turns.empty()) {
    auto& last = turns.back().as_object();
    if (string_at(last, "role") == role) {
      auto& content = last["content"].as_array();
      for (auto& block : blocks) content.push_back(std::move(block));
      return;
    }
  }
  turns.push_back(json::object{{"role", role}, {"content", std::move(blocks)}});
}

json::array anthropic_tools(const json::array& tools) {
  json::array out;
  for (const auto& tool : tools) {
    const auto* t = tool.if_object();
    const auto* function = t ? object_at(*t, "function") : nullptr;
    if (!function) continue;
    json::object entry{{"name", string_at(*function, "name")}};
    if (auto description = string_at(*function, "description"); !description.empty())
      entry["description"] = description;
    const auto* parameters = object_at(*function, "parameters");
    entry["input_schema"] = parameters
                                ? json::value(*parameters)
                                : json::object{{"type", "object"}, {"properties", json::object{}}};
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

json::object anthropic_request_body(const CompletionRequest& request) {
  std::string system;
  json::array turns;
  for (const auto& m : request.messages) {
    const auto* message = m.if_object();
    if (!message) continue;
    const auto role = string_at(*message, "role");
    if (role == "system" || role == "developer") {
      auto text = text_of(*message);
      if (text.empty()) continue;
      if (!system.empty()) system += "\n\n";
      system += text;
    } else if (role == "user") {
      if (auto text = text_of(*message); !text.empty())
        append_turn(turns, "user", {text_block(std::move(text))});
    } else if (role == "assistant") {
      append_turn(turns, "assistant", assistant_blocks(*message));
    } else if (role == "tool") {
      append_turn(turns, "user", tool_result_blocks(*message));
    }
  }
  json::object body;
  body["model"] = request.model;
  body["max_tokens"] = request.max_tokens.value_or(kAnthropicDefaultMaxTokens);
  if (!system.empty()) body["system"] = system;
  body["messages"] = std::move(turns);
  if (!request.tools.empty()) body["tools"] = anthropic_tools(request.tools);
  if (request.temperature) body["temperature"] = *request.temperature;
  body["stream"] = true;
  return body;
}

net::OutboundRequest anthropic_request(const CompletionRequest& request) {
  net::OutboundRequest out;
  out.method = "POST";
  out.url = endpoint(request.base_url, "/v1/messages");
  out.headers = {{"Content-Type", "application/json"},
                 {"Accept", "text/event-stream"},
                 {"anthropic-version", "2023-06-01"}};
  if (!request.api_key.empty()) out.headers.emplace_back("x-api-key", request.api_key);
  out.body = json_text(anthropic_request_body(request));
  out.timeout = request.head_timeout;
  out.stream_idle_timeout = request.idle_timeout;
  return out;
}

std::string anthropic_finish_reason(std::string_view stop_reason) {
  if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "max_tokens") return "length";
  if (stop_reason == "refusal") return "content_filter";
  return std::string(stop_reason);
}

DecodeStep AnthropicStreamDecoder::on_event(const SseEvent& event) {
  boost::system::error_code ec;
  const auto data = json::parse(event.data, ec);
  if (ec || !data.is_object())
    return DecodeStep::failed(invalid_stream(provider_, "an event is not JSON"));
  const auto& object = data.get_object();
  auto type = string_at(object, "type");
  return on_message(type.empty() ? std::string_view(event.type) : type, object);
}

// Unknown event types (ping, and any Anthropic adds later) are skipped, as its docs ask.
DecodeStep AnthropicStreamDecoder::on_message(std::string_view type, const json::object& data) {
  if (type == "message_start") {
    const auto* message = object_at(data, "message");
    const auto* usage = message ? object_at(*message, "usage") : nullptr;
    if (usage) read_usage(*usage);
  } else if (type == "content_block_start") {
    block_start(data);
  } else if (type == "content_block_delta") {
    return block_delta(data);
  } else if (type == "message_delta") {
    const auto* delta = object_at(data, "delta");
    if (auto reason = delta ? string_at(*delta, "stop_reason") : ""; !reason.empty())
      completion_.finish_reason = anthropic_finish_reason(reason);
    if (const auto* usage = object_at(data, "usage")) read_usage(*usage);
  } else if (type == "message_stop") {
    return DecodeStep::end();
  } else if (type == "error") {
    const auto* error = data.if_contains("error");
    return DecodeStep::failed(
        reported_error(provider_, error ? error_message_of(*error) : "error"));
  }
  return {};
}

void AnthropicStreamDecoder::block_start(const json::object& data) {
  const auto* block = object_at(data, "content_block");
  if (!block || string_at(*block, "type") != "tool_use") return;
  tool_blocks_[int_at(data, "index")] = completion_.tool_calls.size();
  completion_.tool_calls.push_back(
      {std::string(string_at(*block, "id")), std::string(string_at(*block, "name")), ""});
}

DecodeStep AnthropicStreamDecoder::block_delta(const json::object& data) {
  const auto* delta = object_at(data, "delta");
  if (!delta) return {};
  const auto type = string_at(*delta, "type");
  if (type == "text_delta") {
    DecodeStep step;
    step.text = string_at(*delta, "text");
    completion_.text += step.text;
    return step;
  }
  if (type == "input_json_delta") {
    const auto tool = tool_blocks_.find(int_at(data, "index"));
    if (tool != tool_blocks_.end())
      completion_.tool_calls[tool->second].arguments += string_at(*delta, "partial_json");
  }
  return {};
}

// Cached prompt tokens are counted apart by Anthropic and within prompt_tokens by OpenAI.
void AnthropicStreamDecoder::read_usage(const json::object& usage) {
  if (usage.contains("input_tokens"))
    completion_.usage.prompt_tokens = int_at(usage, "input_tokens") +
                                      int_at(usage, "cache_creation_input_tokens") +
                                      int_at(usage, "cache_read_input_tokens");
  if (usage.contains("output_tokens"))
    completion_.usage.completion_tokens = int_at(usage, "output_tokens");
}

DecodeStep AnthropicStreamDecoder::on_json(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = json::parse(body, ec);
  const auto* message = ec ? nullptr : parsed.if_object();
  if (!message) return DecodeStep::failed(invalid_stream(provider_, "the answer is not JSON"));
  if (string_at(*message, "type") == "error") return on_message("error", *message);
  const auto* blocks = array_at(*message, "content");
  if (!blocks) return DecodeStep::failed(invalid_stream(provider_, "the answer has no content"));
  DecodeStep step;
  for (const auto& b : *blocks) {
    const auto* block = b.if_object();
    if (!block) continue;
    const auto type = string_at(*block, "type");
    if (type == "text") step.text += string_at(*block, "text");
    if (type == "tool_use") {
      const auto* input = block->if_contains("input");
      completion_.tool_calls.push_back({std::string(string_at(*block, "id")),
                                        std::string(string_at(*block, "name")),
                                        input ? json_text(*input) : "{}"});
    }
  }
  completion_.text += step.text;
  completion_.finish_reason = anthropic_finish_reason(string_at(*message, "stop_reason"));
  if (const auto* usage = object_at(*message, "usage")) read_usage(*usage);
  step.finished = true;
  return step;
}

Completion AnthropicStreamDecoder::take() {
  Completion out = std::move(completion_);
  for (auto& call : out.tool_calls) {
    if (call.id.empty()) call.id = "toolu_" + random_hex(12);
    if (call.arguments.empty()) call.arguments = "{}";
  }
  if (out.finish_reason.empty()) out.finish_reason = out.tool_calls.empty() ? "stop" : "tool_calls";
  tool_blocks_.clear();
  return out;
}

}  // namespace sb::llm
