#include "telephony/vonage_stream.hpp"

#include <boost/json/parse.hpp>
#include <charconv>

#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "telephony/stream_fields.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;
using Kind = VonageStreamEvent::Kind;

// The rate of "audio/l16;rate=16000", 0 when the type is not l16 or names no rate.
int l16_rate(std::string_view content_type) {
  constexpr std::string_view kType = "audio/l16";
  if (content_type.substr(0, kType.size()) != kType) return 0;
  const auto at = content_type.find("rate=");
  if (at == std::string_view::npos) return 0;
  int rate = 0;
  const auto digits = content_type.substr(at + 5);
  std::from_chars(digits.data(), digits.data() + digits.size(), rate);
  return rate;
}

}  // namespace

std::optional<VonageStreamEvent> parse_vonage_stream_event(std::string_view text,
                                                           std::string& error) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  auto& message = value.as_object();
  const std::string event(string_at(message, "event"));
  VonageStreamEvent e;
  if (event == "websocket:connected") {
    e.kind = Kind::kConnected;
    e.content_type = string_at(message, "content-type");
    e.sample_rate = l16_rate(e.content_type);
    if (e.sample_rate != 8'000 && e.sample_rate != 16'000) {
      error = "websocket:connected with content-type \"" + e.content_type +
              "\", not audio/l16 at 8 or 16 kHz";
      return std::nullopt;
    }
    message.erase("event");
    message.erase("content-type");
    e.headers = std::move(message);
    return e;
  }
  if (event == "websocket:dtmf") {
    e.kind = Kind::kDtmf;
    e.digit = string_at(message, "digit");
    e.duration_ms = count_at(message, "duration");
    if (!e.digit.empty()) return e;
    error = "websocket:dtmf without digit";
    return std::nullopt;
  }
  if (event == "websocket:notify") {
    e.kind = Kind::kNotify;
    if (const auto* payload = object_at(message, "payload")) e.payload = *payload;
    return e;
  }
  if (event == "websocket:cleared") {
    e.kind = Kind::kCleared;
    return e;
  }
  error = "unknown event \"" + event + "\"";
  return std::nullopt;
}

std::string vonage_clear_message() {
  return json_text(json::object{{"action", "clear"}});
}

std::string vonage_notify_message(std::string_view name) {
  return json_text(json::object{{"action", "notify"}, {"payload", json::object{{"name", name}}}});
}

}  // namespace sb::telephony
