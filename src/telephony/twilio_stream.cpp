#include "telephony/twilio_stream.hpp"

#include <boost/json/parse.hpp>

#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "telephony/stream_fields.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;
using Kind = TwilioStreamEvent::Kind;

std::optional<Kind> kind_of(std::string_view event) {
  if (event == "connected") return Kind::kConnected;
  if (event == "start") return Kind::kStart;
  if (event == "media") return Kind::kMedia;
  if (event == "dtmf") return Kind::kDtmf;
  if (event == "mark") return Kind::kMark;
  if (event == "stop") return Kind::kStop;
  return std::nullopt;
}

bool read_start(const json::object& start, TwilioStreamEvent& e) {
  if (e.stream_sid.empty()) e.stream_sid = string_at(start, "streamSid");
  e.call_sid = string_at(start, "callSid");
  e.account_sid = string_at(start, "accountSid");
  if (const auto* params = object_at(start, "customParameters")) e.custom_parameters = *params;
  if (const auto* format = object_at(start, "mediaFormat")) {
    e.encoding = string_at(*format, "encoding");
    e.sample_rate = static_cast<int>(count_at(*format, "sampleRate"));
    e.channels = static_cast<int>(count_at(*format, "channels"));
  }
  return !e.stream_sid.empty();
}

bool read_media(const json::object& media, TwilioStreamEvent& e, std::string& error) {
  e.track = string_at(media, "track");
  e.chunk = count_at(media, "chunk");
  e.timestamp_ms = count_at(media, "timestamp");
  auto audio = base64_decode(string_at(media, "payload"));
  if (!audio) {
    error = "media.payload is not base64";
    return false;
  }
  e.audio = std::move(*audio);
  return true;
}

}  // namespace

std::optional<TwilioStreamEvent> parse_twilio_stream_event(std::string_view text,
                                                           std::string& error) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  const auto& message = value.get_object();
  const auto kind = kind_of(string_at(message, "event"));
  if (!kind) {
    error = "unknown event \"" + std::string(string_at(message, "event")) + "\"";
    return std::nullopt;
  }
  TwilioStreamEvent e;
  e.kind = *kind;
  e.stream_sid = string_at(message, "streamSid");
  const json::object empty;
  auto part = [&](std::string_view key) -> const json::object& {
    const auto* o = object_at(message, key);
    return o ? *o : empty;
  };
  switch (e.kind) {
    case Kind::kConnected:
      return e;
    case Kind::kStart:
      if (read_start(part("start"), e)) return e;
      error = "start without streamSid";
      return std::nullopt;
    case Kind::kMedia:
      if (read_media(part("media"), e, error)) return e;
      return std::nullopt;
    case Kind::kDtmf:
      e.track = string_at(part("dtmf"), "track");
      e.digit = string_at(part("dtmf"), "digit");
      if (!e.digit.empty()) return e;
      error = "dtmf without digit";
      return std::nullopt;
    case Kind::kMark:
      e.mark_name = string_at(part("mark"), "name");
      return e;
    case Kind::kStop:
      e.call_sid = string_at(part("stop"), "callSid");
      e.account_sid = string_at(part("stop"), "accountSid");
      return e;
  }
  return std::nullopt;
}

std::string twilio_media_message(std::string_view stream_sid, std::string_view mulaw) {
  return json_text(json::object{{"event", "media"},
                                {"streamSid", stream_sid},
                                {"media", json::object{{"payload", base64_encode(mulaw)}}}});
}

std::string twilio_mark_message(std::string_view stream_sid, std::string_view name) {
  return json_text(json::object{
      {"event", "mark"}, {"streamSid", stream_sid}, {"mark", json::object{{"name", name}}}});
}

std::string twilio_clear_message(std::string_view stream_sid) {
  return json_text(json::object{{"event", "clear"}, {"streamSid", stream_sid}});
}

}  // namespace sb::telephony
