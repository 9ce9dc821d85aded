#pragma once
// Twilio Media Streams as a live call's CallTransport: μ-law 8 kHz audio in `media` messages
// both ways, base64 in JSON text frames; `start` names the stream, `dtmf` carries keys, `mark`
// comes back once the audio sent before it has played, `stop` ends the call. Twilio buffers
// what it is sent, so the call may send ahead (paced() is false) and takes back what has not
// played with `clear` on barge-in.

#include <memory>
#include <mutex>
#include <string>

#include "media/g711_link.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/call_transport.hpp"

namespace sb::voice {

class TwilioTransport final : public CallTransport, public net::WebSocketHandler {
 public:
  TwilioTransport(std::shared_ptr<net::WebSocket> socket, std::shared_ptr<CallMedia> call);

  /// What a Twilio stream carries: 8 kB/s of μ-law in base64 JSON, about 14 kB/s.
  static net::WebSocketLimits limits();

  // CallTransport (the call's strand)
  bool paced() const override { return false; }
  bool send_audio(std::span<const std::int16_t> pcm) override;
  void clear() override;
  void mark(const std::string& name) override;
  void send_message(const boost::json::object&) override {}
  void hang_up() override;

  // net::WebSocketHandler (the socket's strand)
  void on_text(std::string message) override;
  void on_binary(std::string message) override;
  void on_close(std::uint16_t code, std::string reason) override;

 private:
  std::string stream_sid() const;

  std::shared_ptr<net::WebSocket> socket_;
  std::shared_ptr<CallMedia> call_;
  mutable std::mutex mutex_;
  std::string stream_sid_;  ///< from `start`; audio before it has nowhere to go
  media::G711Decoder in_;   ///< socket strand
  media::G711Encoder out_;  ///< call strand
};

}  // namespace sb::voice
