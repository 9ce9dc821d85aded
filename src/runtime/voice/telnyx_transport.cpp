#include "runtime/voice/telnyx_transport.hpp"

#include <spdlog/spdlog.h>

#include "runtime/speech/speech.hpp"

namespace sb::voice {

TelnyxTransport::TelnyxTransport(std::shared_ptr<net::WebSocket> socket,
                                 std::shared_ptr<CallMedia> call)
    : socket_(std::move(socket)),
      call_(std::move(call)),
      in_(media::G711Law::kMulaw, speech::kPipelineRate),
      out_(media::G711Law::kMulaw, speech::kPipelineRate),
      frames_(160, static_cast<char>(0xff)) {}  // 20 ms of μ-law; 0xff is its silence

net::WebSocketLimits TelnyxTransport::limits() {
  net::WebSocketLimits limits;
  limits.inbound_bytes_per_second = 32 * 1024;
  limits.inbound_burst_bytes = 64 * 1024;
  limits.max_message_bytes = 64 * 1024;
  return limits;
}

bool TelnyxTransport::send_audio(std::span<const std::int16_t> pcm) {
  if (!started_.load()) return false;
  frames_.add(out_.encode(pcm));
  return send_frames(false);
}

bool TelnyxTransport::send_frames(bool pad) {
  const auto codes = frames_.take(pad);
  return codes.empty() || socket_->send_text(telephony::telnyx_media_message(codes));
}

void TelnyxTransport::clear() {
  frames_.clear();
  if (started_.load()) socket_->send_text(telephony::telnyx_clear_message());
}

void TelnyxTransport::mark(const std::string& name) {
  if (!started_.load()) return;
  send_frames(true);
  socket_->send_text(telephony::telnyx_mark_message(name));
}

void TelnyxTransport::hang_up() {
  socket_->close(net::CloseCode::kNormal, "call ended");
}

void TelnyxTransport::on_start(const telephony::TelnyxStreamEvent& start) {
  if (start.encoding == "PCMA") {
    in_.set_law(media::G711Law::kAlaw);
  } else if (!start.encoding.empty() && start.encoding != "PCMU") {
    decodable_ = false;
    spdlog::warn("telnyx stream {}: caller audio in {}, which this server does not decode",
                 start.stream_id, start.encoding);
  }
  started_.store(true);
}

void TelnyxTransport::on_text(std::string message) {
  std::string error;
  auto event = telephony::parse_telnyx_stream_event(message, error);
  if (!event) {
    spdlog::debug("telnyx stream: {}", error);
    return;
  }
  using Kind = telephony::TelnyxStreamEvent::Kind;
  switch (event->kind) {
    case Kind::kConnected:
      return;
    case Kind::kStart:
      return on_start(*event);
    case Kind::kMedia: {
      if (!decodable_ || (event->track != "inbound" && !event->track.empty())) return;
      for (auto& audio : reorder_.push(event->chunk, std::move(event->audio)))
        if (auto wide = in_.decode(audio); !wide.empty()) call_->customer_audio(std::move(wide));
      return;
    }
    case Kind::kDtmf:
      return call_->dtmf(event->digit);
    case Kind::kMark:
      return call_->mark_played(event->mark_name);
    case Kind::kError:
      spdlog::warn("telnyx stream {}: error from Telnyx: {}", event->stream_id, event->error);
      return;
    case Kind::kStop:
      return call_->hung_up("telnyx stream stopped");
  }
}

void TelnyxTransport::on_binary(std::string) {
  spdlog::debug("telnyx stream: a binary frame, which Telnyx never sends; ignored");
}

void TelnyxTransport::on_close(std::uint16_t code, std::string reason) {
  call_->hung_up("telnyx stream closed: " + std::to_string(code) + " " + reason);
}

}  // namespace sb::voice
