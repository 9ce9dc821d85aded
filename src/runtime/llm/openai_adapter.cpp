#include "runtime/llm/openai_adapter.hpp"

#include <boost/json/parse.hpp>

#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "runtime/llm/endpoint.hpp"
#include "runtime/llm/failures.hpp"

namespace sb::llm {

namespace json = boost::json;

json::object openai_request_body(const CompletionRequest& request) {
  json::object body;
  body["model"] = request.model;
  body["messages"] = request.messages;
  body["stream"] = true;
  body["stream_options"] = json::object{{"include_usage", true}};
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
  if (!request.tools.empty()) body["tools"] = request.tools;
  if (request.response_format) body["response_format"] = *request.response_format;
  return body;
}

net::OutboundRequest openai_request(const CompletionRequest& request) {
  net::OutboundRequest out;
  out.method = "POST";
  out.url = endpoint(request.base_url, "/chat/completions");
  out.headers = {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}};
  if (!request.api_key.empty())
    out.headers.emplace_back("Authorization", "Bearer " + request.api_key);
  out.body = json_text(openai_request_body(request));
  out.timeout = request.head_timeout;
  out.stream_idle_timeout = request.idle_timeout;
  return out;
}

DecodeStep OpenAiStreamDecoder::on_event(const SseEvent& event) {
  if (event.data == "[DONE]") return DecodeStep::end();
  boost::system::error_code ec;
  const auto chunk = json::parse(event.data, ec);
  if (ec || !chunk.is_object())
    return DecodeStep::failed(invalid_stream(provider_, "a chunk is not JSON"));
  return on_chunk(chunk.get_object());
}

DecodeStep OpenAiStreamDecoder::on_chunk(const json::object& chunk) {
  if (const auto* error = chunk.if_contains("error"); error && !error->is_null())
    return DecodeStep::failed(reported_error(provider_, error_message_of(*error)));
  read_usage(chunk);
  const auto* choices = array_at(chunk, "choices");
  const auto* choice = choices && !choices->empty() ? choices->front().if_object() : nullptr;
  if (!choice) return {};
  if (auto reason = string_at(*choice, "finish_reason"); !reason.empty())
    completion_.finish_reason = reason;
  const auto* delta = object_at(*choice, "delta");
  if (!delta) return {};
  if (const auto* fragments = array_at(*delta, "tool_calls")) {
    for (const auto& fragment : *fragments)
      if (const auto* f = fragment.if_object()) add_fragment(*f);
  }
  DecodeStep step;
  step.text = string_at(*delta, "content");
  completion_.text += step.text;
  return step;
}

// The id and name come once, in the first fragment of a call; the arguments in pieces. A
// server that omits `index` is followed by id: a new id starts a new call.
void OpenAiStreamDecoder::add_fragment(const json::object& fragment) {
  const auto id = string_at(fragment, "id");
  std::int64_t index = int_at(fragment, "index", -1);
  if (index < 0) {
    const bool new_call = last_index_ < 0 || (!id.empty() && calls_[last_index_].id != id);
    index = new_call ? (calls_.empty() ? 0 : calls_.rbegin()->first + 1) : last_index_;
  }
  last_index_ = index;
  auto& call = calls_[index];
  if (call.id.empty()) call.id = id;
  if (const auto* function = object_at(fragment, "function")) {
    if (call.name.empty()) call.name = string_at(*function, "name");
    call.arguments += string_at(*function, "arguments");
  }
}

// Usage is in the last chunk (stream_options.include_usage); Groq has put it in x_groq.
void OpenAiStreamDecoder::read_usage(const json::object& chunk) {
  const auto* usage = object_at(chunk, "usage");
  if (!usage) {
    const auto* groq = object_at(chunk, "x_groq");
    usage = groq ? object_at(*groq, "usage") : nullptr;
  }
  if (!usage) return;
  completion_.usage.prompt_tokens = int_at(*usage, "prompt_tokens");
  completion_.usage.completion_tokens = int_at(*usage, "completion_tokens");
}

DecodeStep OpenAiStreamDecoder::on_json(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = json::parse(body, ec);
  const auto* answer = ec ? nullptr : parsed.if_object();
  if (!answer) return DecodeStep::failed(invalid_stream(provider_, "the answer is not JSON"));
  if (const auto* error = answer->if_contains("error"); error && !error->is_null())
    return DecodeStep::failed(reported_error(provider_, error_message_of(*error)));
  read_usage(*answer);
  const auto* choices = array_at(*answer, "choices");
  const auto* choice = choices && !choices->empty() ? choices->front().if_object() : nullptr;
  const auto* message = choice ? object_at(*choice, "message") : nullptr;
  if (!message) return DecodeStep::failed(invalid_stream(provider_, "the answer has no message"));
  completion_.finish_reason = string_at(*choice, "finish_reason");
  if (const auto* calls = array_at(*message, "tool_calls")) {
    for (const auto& call : *calls) {
      const auto* c = call.if_object();
      const auto* function = c ? object_at(*c, "function") : nullptr;
      if (!function) continue;
      auto& whole = calls_[static_cast<std::int64_t>(calls_.size())];
      whole.id = string_at(*c, "id");
      whole.name = string_at(*function, "name");
      whole.arguments = string_at(*function, "arguments");
    }
  }
  DecodeStep step;
  step.text = string_at(*message, "content");
  step.finished = true;
  completion_.text += step.text;
  return step;
}

Completion OpenAiStreamDecoder::take() {
  Completion out = std::move(completion_);
  for (auto& [index, call] : calls_) {
    if (call.id.empty()) call.id = "call_" + random_hex(12);
    if (call.arguments.empty()) call.arguments = "{}";
    out.tool_calls.push_back(std::move(call));
  }
  calls_.clear();
  if (out.finish_reason.empty()) out.finish_reason = out.tool_calls.empty() ? "stop" : "tool_calls";
  return out;
}

}  // namespace sb::llm
