#include "runtime/voice/vonage_transport.hpp"

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "runtime/speech/speech.hpp"
#include "telephony/vonage_stream.hpp"

namespace sb::voice {

VonageTransport::VonageTransport(std::string call_id, std::shared_ptr<net::WebSocket> socket,
                                 std::shared_ptr<CallMedia> call)
    : call_id_(std::move(call_id)), socket_(std::move(socket)), call_(std::move(call)) {}

net::WebSocketLimits VonageTransport::limits() {
  net::WebSocketLimits limits;
  limits.inbound_bytes_per_second = 64 * 1024;
  limits.inbound_burst_bytes = 128 * 1024;
  limits.max_message_bytes = 64 * 1024;
  limits.max_queued_bytes = 2 * 1024 * 1024;  // about as much as Vonage itself queues
  return limits;
}

bool VonageTransport::send_audio(std::span<const std::int16_t> pcm) {
  const int rate = rate_.load();
  if (rate == 0) return false;
  std::string bytes;
  if (rate == speech::kPipelineRate) {
    media::encode_pcm16(pcm, bytes);
  } else {
    if (!out_) out_ = std::make_unique<media::Resampler>(speech::kPipelineRate, rate);
    std::vector<std::int16_t> narrow;
    out_->process(pcm, narrow);
    media::encode_pcm16(narrow, bytes);
  }
  if (!frames_) frames_ = std::make_unique<media::WholeFrames>(frame_bytes(), '\0');
  frames_->add(bytes);
  return send_frames(false);
}

// Sends the whole 20 ms frames pending, one message each; with `pad`, the rest too.
bool VonageTransport::send_frames(bool pad) {
  if (!frames_) return true;
  const auto whole = frames_->take(pad);
  const std::size_t frame = frames_->frame_bytes();
  for (std::size_t at = 0; at < whole.size(); at += frame)
    if (!socket_->send_binary(whole.substr(at, frame))) return false;
  return true;
}

void VonageTransport::clear() {
  if (frames_) frames_->clear();
  if (rate_.load() != 0) socket_->send_text(telephony::vonage_clear_message());
}

void VonageTransport::mark(const std::string& name) {
  if (rate_.load() == 0) return;
  send_frames(true);
  socket_->send_text(telephony::vonage_notify_message(name));
}

void VonageTransport::hang_up() {
  socket_->close(net::CloseCode::kNormal, "call ended");
}

void VonageTransport::on_text(std::string message) {
  std::string error;
  auto event = telephony::parse_vonage_stream_event(message, error);
  if (!event) {
    spdlog::debug("vonage stream: {}", error);
    if (rate_.load() == 0) socket_->close(net::CloseCode::kPolicy, error);
    return;
  }
  using Kind = telephony::VonageStreamEvent::Kind;
  switch (event->kind) {
    case Kind::kConnected:
      if (rate_.load() != 0) return;
      if (string_at(event->headers, "callId") != call_id_) {
        socket_->close(net::CloseCode::kPolicy, "the callId header is not this call's");
        return;
      }
      if (event->sample_rate != speech::kPipelineRate)
        in_ = std::make_unique<media::Resampler>(event->sample_rate, speech::kPipelineRate);
      rate_.store(event->sample_rate);
      return;
    case Kind::kDtmf:
      return call_->dtmf(event->digit);
    case Kind::kNotify:
      return call_->mark_played(std::string(string_at(event->payload, "name")));
    case Kind::kCleared:
      return;
  }
}

void VonageTransport::on_binary(std::string message) {
  if (rate_.load() == 0) {
    spdlog::debug("vonage stream: audio before websocket:connected; ignored");
    return;
  }
  std::vector<std::int16_t> pcm;
  decoder_.decode(message, pcm);
  if (in_) {
    std::vector<std::int16_t> wide;
    in_->process(pcm, wide);
    pcm = std::move(wide);
  }
  if (!pcm.empty()) call_->customer_audio(std::move(pcm));
}

void VonageTransport::on_close(std::uint16_t code, std::string reason) {
  call_->hung_up("vonage stream closed: " + std::to_string(code) + " " + reason);
}

}  // namespace sb::voice
