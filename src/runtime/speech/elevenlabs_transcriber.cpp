#include "runtime/speech/elevenlabs_transcriber.hpp"

#include <utility>

#include "core/api_error.hpp"
#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "media/pcm16.hpp"
#include "net/websocket.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

// Vapi's numeric fields, the realtime query parameter each becomes and the range Vapi documents.
struct VadSetting {
  const char* field;
  const char* parameter;
  double min;
  double max;
};
constexpr VadSetting kVadSettings[] = {
    {"silenceThresholdSeconds", "vad_silence_threshold_secs", 0.3, 3},
    {"confidenceThreshold", "vad_threshold", 0.1, 0.9},
    {"minSpeechDurationMs", "min_speech_duration_ms", 50, 2000},
    {"minSilenceDurationMs", "min_silence_duration_ms", 50, 2000},
};

// ElevenLabs' side of the shared WebSocket stream.
class ElevenLabsProtocol final : public MessageProtocol {
 public:
  ElevenLabsProtocol() : MessageProtocol(kElevenLabsTranscriberFailed, "ElevenLabs") {}

  bool audio_as_text() const override { return true; }
  std::string audio(std::span<const std::int16_t> customer,
                    std::span<const std::int16_t>) override {
    std::string pcm;
    media::encode_pcm16(customer, pcm);
    return R"({"message_type":"input_audio_chunk","audio_base_64":")" + base64_encode(pcm) +
           R"(","commit":false,"sample_rate":)" + std::to_string(kPipelineRate) + "}";
  }
  // 10 s of the JSON-wrapped audio.
  std::size_t max_pending_bytes() const override { return 10 * kPipelineRate * 2 * 4 / 3; }

 private:
  HeardMessage heard(std::string_view text) override { return parse_elevenlabs_message(text); }
};

}  // namespace

std::string elevenlabs_stream_url(std::string_view base_url, const json::object& config) {
  std::string query;
  // The one realtime model: Vapi's batch models stream as it.
  append_query(query, "model_id", kElevenLabsRealtimeModel);
  append_query(query, "audio_format", "pcm_" + std::to_string(kPipelineRate));
  append_query(query, "commit_strategy", "vad");
  for (const auto& setting : kVadSettings)
    if (const auto* v = config.if_contains(setting.field); v && v->is_number())
      append_query(query, setting.parameter, number_text(v->to_number<double>()));
  if (auto language = string_at(config, "language"); !language.empty())
    append_query(query, "language_code", language);
  return websocket_url_of(base_url) + "/v1/speech-to-text/realtime?" + query;
}

HeardMessage parse_elevenlabs_message(std::string_view text) {
  HeardMessage reply;
  const auto message = json_message(text);
  const auto type = string_at(message, "message_type");
  std::string said(string_at(message, "text"));
  if (type == "partial_transcript") {
    if (!said.empty()) reply.transcript = Transcript{std::move(said), false, false};
  } else if (type == "committed_transcript") {
    if (!said.empty()) reply.transcript = Transcript{std::move(said), true, true};
  } else if (message.contains("error") || type.ends_with("error")) {
    // Every error kind of the realtime API (error, auth_error, quota_exceeded, rate_limited,
    // ...) carries an `error` text.
    const auto error = string_at(message, "error");
    reply.error = std::string(type) + (error.empty() ? "" : ": " + std::string(error));
  }
  return reply;
}

void ElevenLabsTranscriber::check(const json::object& config) const {
  if (const auto provider = string_at(config, "provider"); provider != "11labs")
    throw ApiError::bad_request("transcriber.provider must be 11labs, not " +
                                std::string(provider));
  if (const auto* v = config.if_contains("model");
      v && !(v->is_string() && (v->get_string() == "scribe_v1" || v->get_string() == "scribe_v2" ||
                                v->get_string() == kElevenLabsRealtimeModel)))
    throw ApiError::bad_request(
        "transcriber.model must be scribe_v1, scribe_v2 or scribe_v2_realtime");
  if (const auto* v = config.if_contains("language"); v && !v->is_string())
    throw ApiError::bad_request("transcriber.language must be a string");
  for (const auto& setting : kVadSettings)
    if (const auto* v = config.if_contains(setting.field))
      if (!v->is_number() || v->to_number<double>() < setting.min ||
          v->to_number<double>() > setting.max)
        throw ApiError::bad_request("transcriber." + std::string(setting.field) +
                                    " must be a number from " + number_text(setting.min) + " to " +
                                    number_text(setting.max));
}

std::unique_ptr<TranscriberProtocol> ElevenLabsTranscriber::protocol(const json::object&) const {
  return std::make_unique<ElevenLabsProtocol>();
}

net::WebSocketConnectRequest ElevenLabsTranscriber::request(const json::object& config,
                                                            std::string_view base_url,
                                                            const std::string& key) const {
  return upgrade_request(elevenlabs_stream_url(base_url, config), "xi-api-key", key);
}

SpeechFailure ElevenLabsTranscriber::key_missing() const {
  return {
      kElevenLabsTranscriberFailed,
      "no ElevenLabs API key: add an 11labs credential to the org (or set ELEVENLABS_API_KEY on "
      "the server)"};
}

}  // namespace sb::speech
