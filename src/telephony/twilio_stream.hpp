#pragma once
// Twilio Media Streams' WebSocket messages (text frames of JSON), as Twilio documents them:
// from Twilio `connected`, `start` (streamSid, accountSid, callSid, tracks, customParameters,
// mediaFormat), `media` (track, chunk, timestamp, base64 μ-law payload), `dtmf`, `mark` (the
// echo of a mark we sent, once the audio before it has played or was cleared) and `stop`; to
// Twilio `media`, `mark` and `clear`. Reading and writing them only: the stream's handling
// lives with the call.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::telephony {

struct TwilioStreamEvent {
  enum class Kind { kConnected, kStart, kMedia, kDtmf, kMark, kStop };
  Kind kind = Kind::kConnected;
  std::string stream_sid;  ///< every message but connected
  // start (call_sid and account_sid also in stop)
  std::string call_sid;
  std::string account_sid;
  boost::json::object custom_parameters;
  std::string encoding;  ///< mediaFormat.encoding, "audio/x-mulaw"
  int sample_rate = 0;
  int channels = 0;
  // media
  std::string track;  ///< "inbound" (dtmf: "inbound_track")
  std::int64_t chunk = 0;
  std::int64_t timestamp_ms = 0;  ///< since the stream started
  std::string audio;              ///< the payload, base64-decoded: μ-law bytes
  // dtmf / mark
  std::string digit;
  std::string mark_name;
};

/// The event of one text frame; nullopt (with `error` saying why) for what is not JSON, an
/// unknown event, or a message missing what its kind needs (a media payload that is not
/// base64, a start without streamSid...). Twilio sends numbers as strings ("sequenceNumber":
/// "2", "chunk": "1"); both spellings are read.
std::optional<TwilioStreamEvent> parse_twilio_stream_event(std::string_view text,
                                                           std::string& error);

/// {"event":"media","streamSid":…,"media":{"payload": base64 of `mulaw`}}
std::string twilio_media_message(std::string_view stream_sid, std::string_view mulaw);
/// {"event":"mark","streamSid":…,"mark":{"name":…}}: echoed back once what was sent before it
/// has played.
std::string twilio_mark_message(std::string_view stream_sid, std::string_view name);
/// {"event":"clear","streamSid":…}: Twilio drops the audio it holds (and echoes pending marks).
std::string twilio_clear_message(std::string_view stream_sid);

}  // namespace sb::telephony
