#include "runtime/chat/tool_calls.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include <boost/json/parse.hpp>

#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/utf8.hpp"
#include "net/outbound_target.hpp"
#include "runtime/chat/template.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxResultChars = 10'000;
constexpr std::size_t kMaxErrorBodyChars = 300;
constexpr double kDefaultTimeoutSeconds = 20;

// A value as text for the model or a URL: strings as they are, anything else as JSON.
std::string as_text(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json_text(v);
}

// The first `max_chars` characters of `text`, which may be any bytes a server sent.
std::string cut_text(std::string_view text, std::size_t max_chars) {
  return std::string(utf8::prefix(text, max_chars));
}

std::string percent_byte(unsigned char c) {
  char buffer[4];
  std::snprintf(buffer, sizeof buffer, "%%%02X", c);
  return buffer;
}

// Percent-encodes only what a URL cannot hold (spaces, controls, non-ASCII, "<>\^`{|}), so an
// argument rendered into the url still makes a valid URL while the reserved characters the
// url's author wrote keep their meaning.
std::string encode_unsafe(std::string_view url) {
  static constexpr std::string_view kUnsafe = "\"<>\\^`{|}";
  std::string out;
  for (const char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || kUnsafe.find(ch) != std::string_view::npos) {
      out += percent_byte(c);
    } else {
      out += ch;
    }
  }
  return out;
}

// `url` with every argument added to its query (before any fragment).
std::string with_query(std::string_view url, const json::object& arguments) {
  if (arguments.empty()) return std::string(url);
  const std::size_t hash = std::min(url.find('#'), url.size());
  std::string out(url.substr(0, hash));
  const std::size_t question = out.find('?');
  const bool bare = question == std::string::npos;
  if (bare) {
    out += '?';
  } else if (out.back() != '?' && out.back() != '&') {
    out += '&';
  }
  bool first = true;
  for (const auto& [name, value] : arguments) {
    if (!first) out += '&';
    first = false;
    out += percent_encode(name);
    out += '=';
    out += percent_encode(as_text(value));
  }
  out += url.substr(hash);
  return out;
}

bool has_header(const http::Fields& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) {
    return h.first.size() == name.size() &&
           std::equal(h.first.begin(), h.first.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
}

// The headers the tool's `headers` schema gives: each property's `value`, rendered with the
// arguments. Properties without a value are only descriptions and send nothing.
http::Fields tool_headers(const json::object& tool, const json::object& arguments,
                          const Clock& clock) {
  http::Fields headers;
  const auto* schema = object_at(tool, "headers");
  const auto* properties = schema ? object_at(*schema, "properties") : nullptr;
  if (!properties) return headers;
  for (const auto& [name, property] : *properties) {
    if (!property.is_object()) continue;
    const auto* value = property.get_object().if_contains("value");
    if (!value || value->is_null()) continue;
    headers.emplace_back(std::string(name),
                         value->is_string() ? render_template(value->get_string(), arguments, clock)
                                            : json_text(*value));
  }
  return headers;
}

std::chrono::milliseconds tool_timeout(const json::object& tool,
                                       std::chrono::milliseconds deadline) {
  double seconds = kDefaultTimeoutSeconds;
  if (const auto* v = tool.if_contains("timeoutSeconds"); v && v->is_number()) {
    const double given = v->to_number<double>();
    if (given > 0) seconds = given;
  }
  const std::chrono::milliseconds own{std::llround(std::min(seconds, 86'400.0) * 1000)};
  return std::min(own, deadline);
}

// Why a reply that is not ok gives no results, for every call of its message.
std::string reply_failure(const webhooks::Reply& reply) {
  if (reply.status == 0) return "the tool's server did not answer: " + reply.error;
  if (reply.status < 200 || reply.status >= 300) {
    return "the tool's server answered " + std::to_string(reply.status);
  }
  return "the tool's server answered " + reply.error;
}

ToolOutcome result_outcome(const llm::ToolCall& call, const json::object& result) {
  if (const auto* error = result.if_contains("error"); error && !error->is_null()) {
    return failed_outcome(call, as_text(*error));
  }
  const auto* value = result.if_contains("result");
  return {call.id, call.name, value && !value->is_null() ? as_text(*value) : "", false};
}

const json::object* result_for(const json::array& results, std::string_view tool_call_id) {
  for (const auto& r : results) {
    if (!r.is_object()) continue;
    const auto* id = r.get_object().if_contains("toolCallId");
    if (id && id->is_string() && id->get_string() == tool_call_id) return &r.get_object();
  }
  return nullptr;
}

}  // namespace

ToolOutcome failed_outcome(const llm::ToolCall& call, std::string_view reason) {
  return {call.id, call.name, "Error: " + std::string(reason), true};
}

json::value arguments_value(std::string_view arguments) {
  if (arguments.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  boost::system::error_code ec;
  json::value parsed = json::parse(arguments, ec);
  if (!ec && parsed.is_object()) return parsed;
  return json::string(arguments);
}

json::object tool_call_object(const llm::ToolCall& call) {
  return {{"id", call.id},
          {"type", "function"},
          {"function", {{"name", call.name}, {"arguments", arguments_value(call.arguments)}}}};
}

json::object tool_calls_message(const ToolContext& context,
                                const std::vector<const ToolInvocation*>& calls,
                                EpochMs timestamp) {
  json::array call_list;
  json::array with_calls;
  for (const auto* invocation : calls) {
    json::object call = tool_call_object(invocation->call);
    json::object tool = invocation->tool;
    tool["toolCall"] = call;
    call_list.push_back(std::move(call));
    with_calls.push_back(std::move(tool));
  }
  json::object message;
  message["type"] = "tool-calls";
  message["timestamp"] = timestamp;
  message["toolCallList"] = std::move(call_list);
  message["toolWithToolCallList"] = std::move(with_calls);
  message["chat"] = context.chat;
  message["assistant"] = context.assistant;
  if (context.customer) message["customer"] = *context.customer;
  return message;
}

std::vector<ToolOutcome> outcomes_from_reply(const std::vector<const ToolInvocation*>& calls,
                                             const webhooks::Reply& reply) {
  std::vector<ToolOutcome> outcomes;
  outcomes.reserve(calls.size());
  if (!reply.ok) {
    const std::string why = reply_failure(reply);
    for (const auto* invocation : calls) outcomes.push_back(failed_outcome(invocation->call, why));
    return outcomes;
  }
  const json::object* body = reply.body.if_object();
  const auto* results_value = body ? body->if_contains("results") : nullptr;
  const json::array* results = results_value ? results_value->if_array() : nullptr;
  // The reply's own `error` speaks for the calls it gives no result for.
  const std::string reply_error(body ? string_at(*body, "error") : "");
  for (const auto* invocation : calls) {
    const auto& call = invocation->call;
    if (const json::object* result = results ? result_for(*results, call.id) : nullptr) {
      outcomes.push_back(result_outcome(call, *result));
    } else if (!reply_error.empty()) {
      outcomes.push_back(failed_outcome(call, reply_error));
    } else {
      outcomes.push_back(
          failed_outcome(call, "the server's reply had no result for this tool call"));
    }
  }
  return outcomes;
}

std::optional<net::OutboundRequest> api_request(const json::object& tool, const llm::ToolCall& call,
                                                std::chrono::milliseconds deadline,
                                                std::string& error, const Clock& clock) {
  const std::string url(string_at(tool, "url"));
  if (url.empty()) {
    error = "the apiRequest tool " + call.name + " has no url";
    return std::nullopt;
  }
  const json::value arguments = arguments_value(call.arguments);
  if (!arguments.is_object()) {
    error = "the arguments are not a JSON object: " + cut_text(call.arguments, kMaxErrorBodyChars);
    return std::nullopt;
  }
  const json::object& args = arguments.get_object();
  net::OutboundRequest request;
  request.method = std::string(string_at(tool, "method"));
  if (request.method.empty()) request.method = "POST";
  std::transform(request.method.begin(), request.method.end(), request.method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  request.url = encode_unsafe(render_template(url, args, clock));
  request.headers = tool_headers(tool, args, clock);
  if (request.method == "GET" || request.method == "DELETE") {
    request.url = with_query(request.url, args);
  } else {
    request.body = json_text(args);
    if (!has_header(request.headers, "Content-Type")) {
      request.headers.emplace_back("Content-Type", "application/json");
    }
  }
  request.timeout = tool_timeout(tool, deadline);
  return request;
}

ToolOutcome api_outcome(const llm::ToolCall& call, std::string_view url,
                        const net::OutboundResponse& response) {
  if (!response.error.empty()) return failed_outcome(call, "request failed: " + response.error);
  if (response.ok()) return {call.id, call.name, cut_text(response.body, kMaxResultChars), false};
  std::string ignored;
  const auto target = net::parse_outbound_url(url, ignored);
  std::string reason = target ? target->host_header : std::string(url);
  reason += " answered " + std::to_string(response.status);
  if (!response.body.empty()) reason += ": " + cut_text(response.body, kMaxErrorBodyChars);
  return failed_outcome(call, reason);
}

}  // namespace sb::chat
