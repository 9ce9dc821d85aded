#include "runtime/llm/failures.hpp"

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/utf8.hpp"
#include "http/message.hpp"

namespace sb::llm {

namespace {

constexpr std::size_t kMaxRawMessage = 300;

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string with_provider(std::string_view provider, std::string_view rest) {
  std::string out(provider);
  out += ' ';
  out += rest;
  return out;
}

}  // namespace

Failure no_answer(std::string_view provider, std::string_view reason) {
  return {ErrorCode::kGatewayTimeout,
          with_provider(provider, "did not answer: " + std::string(reason))};
}

Failure upstream_error(std::string_view provider, int status, std::string_view body) {
  auto message = upstream_message(body);
  if (message.empty()) message = http::reason_phrase(status);
  return {ErrorCode::kBadGateway,
          with_provider(provider, "answered " + std::to_string(status) + ": " + message), status};
}

Failure invalid_stream(std::string_view provider, std::string_view why) {
  return {ErrorCode::kBadGateway,
          with_provider(provider, "sent an invalid stream: " + std::string(why))};
}

Failure reported_error(std::string_view provider, std::string_view message) {
  return {ErrorCode::kBadGateway,
          with_provider(provider, "reported an error: " + std::string(message))};
}

Failure cancelled() {
  return {ErrorCode::kBadGateway, "cancelled"};
}

std::string error_message_of(const boost::json::value& error) {
  if (const auto* s = error.if_string()) return std::string(*s);
  const auto* o = error.if_object();
  if (!o) return "";
  if (auto message = string_at(*o, "message"); !message.empty()) return std::string(message);
  return std::string(string_at(*o, "type"));
}

std::string upstream_message(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  if (const auto* o = ec ? nullptr : parsed.if_object()) {
    if (const auto* error = o->if_contains("error")) {
      if (auto message = error_message_of(*error); !message.empty()) return message;
    }
    for (const auto* key : {"message", "detail"})
      if (auto message = string_at(*o, key); !message.empty()) return std::string(message);
  }
  return std::string(utf8::cut(trimmed(body), kMaxRawMessage));
}

}  // namespace sb::llm
