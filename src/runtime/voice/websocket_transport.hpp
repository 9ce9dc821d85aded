#pragma once
// Vapi's WebSocket transport, as a live call's CallTransport: binary frames are the caller's
// audio in the format the call was created with (pcm_s16le at its rate, or mulaw at 8 kHz)
// both ways; text frames are JSON — the assistant's client messages out, control in (end-call,
// hangup, say, add-message, control). Nothing sent can be taken back, so the call paces its
// audio in real time.

#include <memory>
#include <mutex>

#include "domain/calls/websocket_call.hpp"
#include "media/pcm16.hpp"
#include "media/resampler.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/call_transport.hpp"

namespace sb::voice {

class WebsocketTransport final : public CallTransport, public net::WebSocketHandler {
 public:
  WebsocketTransport(calls::AudioFormat format, std::shared_ptr<net::WebSocket> socket,
                     std::shared_ptr<CallMedia> call);

  /// What the socket may carry: the call's audio rate with room for jitter, then throttled.
  static net::WebSocketLimits limits(const calls::AudioFormat& format);

  // CallTransport (the call's strand)
  bool paced() const override { return true; }
  bool send_audio(std::span<const std::int16_t> pcm) override;
  void clear() override {}
  void mark(const std::string&) override {}
  void send_message(const boost::json::object& message) override;
  void hang_up() override;

  // net::WebSocketHandler (the socket's strand)
  void on_text(std::string message) override;
  void on_binary(std::string message) override;
  void on_close(std::uint16_t code, std::string reason) override;

 private:
  calls::AudioFormat format_;
  std::shared_ptr<net::WebSocket> socket_;
  std::shared_ptr<CallMedia> call_;
  media::Resampler in_;
  media::Pcm16Decoder pcm_in_;  ///< keeps half a sample left from the previous message
  media::Resampler out_;        ///< the call's strand only
};

}  // namespace sb::voice
