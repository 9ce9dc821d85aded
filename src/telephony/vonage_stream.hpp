#pragma once
// The Vonage Voice API's WebSocket (an NCCO `connect` to a `websocket` endpoint), as Vonage
// documents it: the first message is text, `websocket:connected` with the content-type and the
// NCCO's `headers` at its top level; then binary frames of 16-bit little-endian linear PCM both
// ways (640 bytes = 20 ms at 16 kHz), and text events: `websocket:dtmf` (digit, duration),
// `websocket:notify` (the payload of a notify we sent, once the audio queued before it has
// played) and `websocket:cleared`. (The PCM is media/pcm16.hpp's.) To Vonage: {"action":"clear"}
// drops the audio it has queued (it queues a few thousand frames, about a minute),
// {"action":"notify","payload":…} asks for that event.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::telephony {

struct VonageStreamEvent {
  enum class Kind { kConnected, kDtmf, kNotify, kCleared };
  Kind kind = Kind::kConnected;
  // connected
  std::string content_type;     ///< "audio/l16;rate=16000"
  int sample_rate = 0;          ///< from the content-type's rate
  boost::json::object headers;  ///< the message's other fields: the NCCO's headers
  // dtmf
  std::string digit;
  std::int64_t duration_ms = 0;
  // notify
  boost::json::object payload;
};

/// The event of one text frame; nullopt (with `error` saying why) for what is not JSON, an
/// event this does not know, or a connected message whose content-type is not audio/l16.
std::optional<VonageStreamEvent> parse_vonage_stream_event(std::string_view text,
                                                           std::string& error);

/// {"action":"clear"}
std::string vonage_clear_message();
/// {"action":"notify","payload":{"name":…}}: answered by websocket:notify with that payload.
std::string vonage_notify_message(std::string_view name);

}  // namespace sb::telephony
