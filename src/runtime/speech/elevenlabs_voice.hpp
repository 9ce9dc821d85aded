#pragma once
// The ElevenLabs voice, provider "11labs": each text is one streaming request,
//   POST <base>/v1/text-to-speech/{voiceId}/stream?output_format=pcm_16000
//        [&optimize_streaming_latency=N]   header xi-api-key
//   {"text", "model_id", "voice_settings": {stability, similarity_boost, style,
//    use_speaker_boost, speed}, "language_code", "pronunciation_dictionary_locators"}
// (https://elevenlabs.io/docs/api-reference/text-to-speech/stream), whose body is raw PCM at
// 16 kHz, the pipeline's rate, streamed as it arrives. Only the settings the assistant names are
// sent, so ElevenLabs' own defaults (and the voice's saved settings) apply to the rest; the model
// defaults to eleven_turbo_v2 as Vapi documents. Vapi's preset names (burt, sarah, ...) are sent
// as they are: this server does not know which ElevenLabs voices they stand for.
//
// Failures end the call with the most specific endedReason the Call schema has for what
// ElevenLabs answered (its error body's detail.status, else the HTTP status), else
// "pipeline-error-eleven-labs-voice-failed".

#include <memory>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "runtime/speech/remote_speech.hpp"

namespace sb::speech {

class ElevenLabsVoice final : public Voice {
 public:
  explicit ElevenLabsVoice(const RemoteSpeechDeps& deps);

  /// Refuses (ApiError 400) a voice without a voiceId.
  void check(const boost::json::object& config) const override;
  std::unique_ptr<Synthesis> synthesize(const boost::json::object& config,
                                        const SpeechContext& context, std::string text,
                                        VoiceEvents events) override;

 private:
  net::HttpClient& http_;
  const RemoteSpeechSettings& settings_;
};

/// The request for `text` with `config` (exposed for tests).
net::OutboundRequest elevenlabs_request(const boost::json::object& config, std::string_view text,
                                        std::string_view base_url, std::string_view api_key);
/// The endedReason and message for a failed exchange (exposed for tests).
SpeechFailure elevenlabs_failure(const net::OutboundResponse& response);

}  // namespace sb::speech
