#include "telephony/telnyx_stream.hpp"

#include <boost/json/parse.hpp>

#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "telephony/stream_fields.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;
using Kind = TelnyxStreamEvent::Kind;

std::optional<Kind> kind_of(std::string_view event) {
  if (event == "connected") return Kind::kConnected;
  if (event == "start") return Kind::kStart;
  if (event == "media") return Kind::kMedia;
  if (event == "dtmf") return Kind::kDtmf;
  if (event == "mark") return Kind::kMark;
  if (event == "error") return Kind::kError;
  if (event == "stop") return Kind::kStop;
  return std::nullopt;
}

void read_start(const json::object& start, TelnyxStreamEvent& e) {
  e.call_control_id = string_at(start, "call_control_id");
  if (const auto* params = object_at(start, "custom_parameters")) e.custom_parameters = *params;
  if (const auto* format = object_at(start, "media_format")) {
    e.encoding = string_at(*format, "encoding");
    e.sample_rate = static_cast<int>(count_at(*format, "sample_rate"));
    e.channels = static_cast<int>(count_at(*format, "channels"));
  }
}

bool read_media(const json::object& media, TelnyxStreamEvent& e, std::string& error) {
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

std::optional<TelnyxStreamEvent> parse_telnyx_stream_event(std::string_view text,
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
  TelnyxStreamEvent e;
  e.kind = *kind;
  e.stream_id = string_at(message, "stream_id");
  e.sequence = count_at(message, "sequence_number");
  const json::object empty;
  auto part = [&](std::string_view key) -> const json::object& {
    const auto* o = object_at(message, key);
    return o ? *o : empty;
  };
  switch (e.kind) {
    case Kind::kConnected:
    case Kind::kStop:
      return e;
    case Kind::kStart:
      read_start(part("start"), e);
      return e;
    case Kind::kMedia:
      if (read_media(part("media"), e, error)) return e;
      return std::nullopt;
    case Kind::kDtmf:
      e.digit = string_at(part("dtmf"), "digit");
      if (!e.digit.empty()) return e;
      error = "dtmf without digit";
      return std::nullopt;
    case Kind::kMark:
      e.mark_name = string_at(part("mark"), "name");
      return e;
    case Kind::kError: {
      const auto& payload = part("payload");
      e.error = std::string(string_at(payload, "title"));
      if (const auto detail = string_at(payload, "detail"); !detail.empty())
        e.error += (e.error.empty() ? "" : ": ") + std::string(detail);
      return e;
    }
  }
  return std::nullopt;
}

std::string telnyx_media_message(std::string_view rtp_payload) {
  return json_text(json::object{{"event", "media"},
                                {"media", json::object{{"payload", base64_encode(rtp_payload)}}}});
}

std::string telnyx_mark_message(std::string_view name) {
  return json_text(json::object{{"event", "mark"}, {"mark", json::object{{"name", name}}}});
}

std::string telnyx_clear_message() {
  return json_text(json::object{{"event", "clear"}});
}

std::vector<std::string> ChunkReorder::push(std::int64_t chunk, std::string audio) {
  std::vector<std::string> out;
  if (chunk <= 0) {
    out.push_back(std::move(audio));
    return out;
  }
  if (chunk < next_ || held_.contains(chunk)) {
    ++dropped_;
    return out;
  }
  held_.emplace(chunk, std::move(audio));
  release(out);
  if (held_.size() > window_) {
    skipped_ += static_cast<std::size_t>(held_.begin()->first - next_);
    next_ = held_.begin()->first;
    release(out);
  }
  return out;
}

void ChunkReorder::release(std::vector<std::string>& out) {
  while (!held_.empty() && held_.begin()->first == next_) {
    out.push_back(std::move(held_.begin()->second));
    held_.erase(held_.begin());
    ++next_;
  }
}

}  // namespace sb::telephony
