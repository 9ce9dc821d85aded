#include "runtime/voice/websocket_transport.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "core/json_text.hpp"
#include "media/g711.hpp"
#include "media/pcm16.hpp"
#include "runtime/speech/speech.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

bool is_mulaw(const calls::AudioFormat& f) {
  return f.encoding == calls::AudioFormat::Encoding::kMulaw;
}

}  // namespace

WebsocketTransport::WebsocketTransport(calls::AudioFormat format,
                                       std::shared_ptr<net::WebSocket> socket,
                                       std::shared_ptr<CallMedia> call)
    : format_(format),
      socket_(std::move(socket)),
      call_(std::move(call)),
      in_(format.sample_rate, speech::kPipelineRate),
      out_(speech::kPipelineRate, format.sample_rate) {}

net::WebSocketLimits WebsocketTransport::limits(const calls::AudioFormat& format) {
  net::WebSocketLimits limits;
  // Real time plus half again for jitter; a second of audio may arrive at once after a stall.
  limits.inbound_bytes_per_second = format.bytes_per_second() * 3 / 2 + 4096;
  limits.inbound_burst_bytes = format.bytes_per_second() + 64 * 1024;
  limits.max_message_bytes = format.bytes_per_second() + 64 * 1024;
  return limits;
}

bool WebsocketTransport::send_audio(std::span<const std::int16_t> pcm) {
  std::vector<std::int16_t> converted;
  out_.process(pcm, converted);
  std::string wire;
  if (is_mulaw(format_)) {
    media::encode_mulaw(converted, wire);
  } else {
    media::encode_pcm16(converted, wire);
  }
  return socket_->send_binary(std::move(wire));
}

void WebsocketTransport::send_message(const json::object& message) {
  socket_->send_text(json_text(message));
}

void WebsocketTransport::hang_up() {
  socket_->close(net::CloseCode::kNormal, "call ended");
}

void WebsocketTransport::on_text(std::string message) {
  json::value parsed;
  try {
    parsed = json::parse(message);
  } catch (const std::exception&) {
    spdlog::debug("websocket call: a text frame that is not JSON, ignored");
    return;
  }
  if (auto* o = parsed.if_object()) call_->control(std::move(*o));
}

void WebsocketTransport::on_binary(std::string message) {
  std::vector<std::int16_t> samples;
  if (is_mulaw(format_)) {
    media::decode_mulaw(message, samples);
  } else {
    pcm_in_.decode(message, samples);
  }
  std::vector<std::int16_t> pipeline;
  in_.process(samples, pipeline);
  if (!pipeline.empty()) call_->customer_audio(std::move(pipeline));
}

void WebsocketTransport::on_close(std::uint16_t code, std::string reason) {
  call_->hung_up("websocket closed: " + std::to_string(code) + " " + reason);
}

}  // namespace sb::voice
