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

#include <string>
#include <string_view>

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

/// The voice (HttpVoice(deps, kElevenLabsVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kElevenLabsVoice;

}  // namespace sb::speech
