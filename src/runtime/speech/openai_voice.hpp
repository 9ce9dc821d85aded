#pragma once
// The OpenAI voice, provider "openai": each text is one request,
//   POST <base>/audio/speech   header Authorization: Bearer <key>
//   {"model", "voice", "input", "response_format": "pcm", "speed", "instructions"}
// (https://platform.openai.com/docs/api-reference/audio/createSpeech). "pcm" is raw signed 16-bit
// little-endian mono at 24 kHz, which is resampled to the pipeline's 16 kHz as it streams in.
// The model defaults to tts-1 (Vapi's docs list it first and name no default); `instructions`
// is sent only to models that take it (not tts-1 / tts-1-hd, as the OpenAIVoice schema says).
//
// Any failure ends the call with "pipeline-error-openai-voice-failed", the one endedReason the
// Call schema has for this voice; the message carries OpenAI's status and error.

#include <memory>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "runtime/speech/remote_speech.hpp"

namespace sb::speech {

/// The rate of OpenAI's "pcm" response format.
inline constexpr int kOpenAiPcmRate = 24'000;

class OpenAiVoice final : public Voice {
 public:
  explicit OpenAiVoice(const RemoteSpeechDeps& deps);

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
net::OutboundRequest openai_speech_request(const boost::json::object& config, std::string_view text,
                                           std::string_view base_url, std::string_view api_key);
/// The endedReason and message for a failed exchange (exposed for tests).
SpeechFailure openai_voice_failure(const net::OutboundResponse& response);

}  // namespace sb::speech
