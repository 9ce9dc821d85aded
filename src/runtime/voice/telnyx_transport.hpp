#pragma once
// Telnyx Media Streaming (bidirectional, RTP mode) as a live call's CallTransport: JSON text
// frames with base64 RTP payloads both ways. The caller's audio comes in the call's G.711
// codec as `start` names it (PCMU or PCMA, 8 kHz), possibly out of order, and is put back in
// order by chunk; ours goes out as PCMU at 8 kHz, TeXML's default bidirectional codec and rate
// (our <Stream> names neither), in whole 20 ms frames. Telnyx queues what it is sent, so the call
// may send ahead (paced() is false); `clear` takes back what has not played and `mark` is echoed
// once played. `dtmf` carries keys, `stop` ends the call.

#include <atomic>
#include <memory>
#include <string>

#include "media/g711_link.hpp"
#include "media/whole_frames.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/call_transport.hpp"
#include "telephony/telnyx_stream.hpp"

namespace sb::voice {

class TelnyxTransport final : public CallTransport, public net::WebSocketHandler {
 public:
  TelnyxTransport(std::shared_ptr<net::WebSocket> socket, std::shared_ptr<CallMedia> call);

  /// What a Telnyx stream carries: 8 kB/s of G.711 in base64 JSON, about 14 kB/s.
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
  void on_start(const telephony::TelnyxStreamEvent& start);
  bool send_frames(bool pad);

  std::shared_ptr<net::WebSocket> socket_;
  std::shared_ptr<CallMedia> call_;
  std::atomic<bool> started_{false};  ///< `start` came: audio before it has nowhere to go
  // socket strand
  bool decodable_ = true;  ///< false for a codec other than G.711
  telephony::ChunkReorder reorder_;
  media::G711Decoder in_;
  // call strand
  media::G711Encoder out_;
  media::WholeFrames frames_;  ///< Telnyx plays nothing shorter than 20 ms
};

}  // namespace sb::voice
