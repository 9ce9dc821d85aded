#pragma once
// The Vonage Voice API's WebSocket as a live call's CallTransport: 16-bit linear PCM in binary
// frames both ways at the rate `websocket:connected` names (16 kHz, as our NCCO asks, or 8
// kHz), always in whole 20 ms frames towards Vonage. That first message carries the NCCO's
// headers: its callId must be this call's, or the socket is closed. Vonage queues what it is
// sent (about a minute), so the call may send ahead (paced() is false); {"action":"clear"}
// takes back what has not played, and a notify, echoed once played, is the mark.

#include <atomic>
#include <memory>
#include <string>

#include "media/pcm16.hpp"
#include "media/resampler.hpp"
#include "media/whole_frames.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/call_transport.hpp"

namespace sb::voice {

class VonageTransport final : public CallTransport, public net::WebSocketHandler {
 public:
  VonageTransport(std::string call_id, std::shared_ptr<net::WebSocket> socket,
                  std::shared_ptr<CallMedia> call);

  /// What a Vonage socket carries: 32 kB/s of PCM each way at 16 kHz.
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
  bool send_frames(bool pad);
  std::size_t frame_bytes() const { return static_cast<std::size_t>(rate_.load()) / 50 * 2; }

  std::string call_id_;
  std::shared_ptr<net::WebSocket> socket_;
  std::shared_ptr<CallMedia> call_;
  std::atomic<int> rate_{0};  ///< from websocket:connected; no audio either way before it
  // socket strand
  media::Pcm16Decoder decoder_;
  std::unique_ptr<media::Resampler> in_;  ///< an 8 kHz socket only
  // call strand
  std::unique_ptr<media::Resampler> out_;       ///< an 8 kHz socket only
  std::unique_ptr<media::WholeFrames> frames_;  ///< 20 ms at the socket's rate
};

}  // namespace sb::voice
