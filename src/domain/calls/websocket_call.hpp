#pragma once
// A call over Vapi's WebSocket transport (`transport.provider: "vapi.websocket"`), as POST /call
// creates it: what the request may combine, the audio format it asks for, and the Call document
// (type vapi.websocketCall, status queued, transport.websocketCallUrl). Pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::calls {

inline constexpr std::string_view kWebsocketProvider = "vapi.websocket";

/// The caller's audio on the wire.
struct AudioFormat {
  enum class Encoding { kPcm16, kMulaw };
  Encoding encoding = Encoding::kPcm16;
  int sample_rate = 16'000;

  /// Bytes of one 20 ms frame.
  std::size_t frame_bytes() const {
    const auto samples = static_cast<std::size_t>(sample_rate / 50);
    return encoding == Encoding::kPcm16 ? samples * 2 : samples;
  }
  /// Bytes per second of real-time audio.
  std::size_t bytes_per_second() const { return frame_bytes() * 50; }
};

/// Whether a CreateCallDTO asks for the WebSocket transport.
bool wants_websocket_transport(const boost::json::object& body);

/// Checks what the contract cannot: no phoneNumberId/phoneNumber with this transport, an
/// assistant or squad to run, an audio format this server can convert (pcm_s16le at 8–48 kHz,
/// mulaw at 8 kHz). Throws ApiError (400) naming the problem. Returns the format.
AudioFormat check_websocket_call(const boost::json::object& body);

/// `public_url` with http(s) turned into ws(s), without a trailing slash.
std::string websocket_base_url(std::string_view public_url);

/// The transport's URL for a call: websocket_base_url(), then "/<id>/transport" (Vapi's shape).
std::string websocket_call_url(std::string_view public_url, std::string_view call_id);

/// The new Call document: the request's assistant/squad (and overrides), customer, name and
/// metadata, type vapi.websocketCall, status queued, transport with its URL and audio format.
/// Its `monitor` depends on the assistant (calls::monitor_of): the registry adds it.
boost::json::object new_websocket_call(std::string_view id, std::string_view org_id,
                                       const boost::json::object& body, const AudioFormat& format,
                                       std::string_view public_url, std::int64_t now_ms);

}  // namespace sb::calls
