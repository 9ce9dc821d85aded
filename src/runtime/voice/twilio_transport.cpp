#include "runtime/voice/twilio_transport.hpp"

#include <spdlog/spdlog.h>

#include "runtime/speech/speech.hpp"
#include "telephony/twilio_stream.hpp"

namespace sb::voice {

TwilioTransport::TwilioTransport(std::shared_ptr<net::WebSocket> socket,
                                 std::shared_ptr<CallMedia> call)
    : socket_(std::move(socket)),
      call_(std::move(call)),
      in_(media::G711Law::kMulaw, speech::kPipelineRate),
      out_(media::G711Law::kMulaw, speech::kPipelineRate) {}

net::WebSocketLimits TwilioTransport::limits() {
  net::WebSocketLimits limits;
  limits.inbound_bytes_per_second = 32 * 1024;
  limits.inbound_burst_bytes = 64 * 1024;
  limits.max_message_bytes = 64 * 1024;
  return limits;
}

std::string TwilioTransport::stream_sid() const {
  std::lock_guard lock(mutex_);
  return stream_sid_;
}

bool TwilioTransport::send_audio(std::span<const std::int16_t> pcm) {
  const auto sid = stream_sid();
  if (sid.empty()) return false;
  return socket_->send_text(telephony::twilio_media_message(sid, out_.encode(pcm)));
}

void TwilioTransport::clear() {
  if (const auto sid = stream_sid(); !sid.empty())
    socket_->send_text(telephony::twilio_clear_message(sid));
}

void TwilioTransport::mark(const std::string& name) {
  if (const auto sid = stream_sid(); !sid.empty())
    socket_->send_text(telephony::twilio_mark_message(sid, name));
}

void TwilioTransport::hang_up() {
  socket_->close(net::CloseCode::kNormal, "call ended");
}

void TwilioTransport::on_text(std::string message) {
  std::string error;
  auto event = telephony::parse_twilio_stream_event(message, error);
  if (!event) {
    spdlog::debug("twilio stream: {}", error);
    return;
  }
  using Kind = telephony::TwilioStreamEvent::Kind;
  switch (event->kind) {
    case Kind::kConnected:
      return;
    case Kind::kStart: {
      std::lock_guard lock(mutex_);
      stream_sid_ = event->stream_sid;
      return;
    }
    case Kind::kMedia: {
      if (event->track != "inbound" && !event->track.empty()) return;
      if (auto wide = in_.decode(event->audio); !wide.empty())
        call_->customer_audio(std::move(wide));
      return;
    }
    case Kind::kDtmf:
      return call_->dtmf(event->digit);
    case Kind::kMark:
      return call_->mark_played(event->mark_name);
    case Kind::kStop:
      return call_->hung_up("twilio stream stopped");
  }
}

void TwilioTransport::on_binary(std::string) {
  spdlog::debug("twilio stream: a binary frame, which Twilio never sends; ignored");
}

void TwilioTransport::on_close(std::uint16_t code, std::string reason) {
  call_->hung_up("twilio stream closed: " + std::to_string(code) + " " + reason);
}

}  // namespace sb::voice
