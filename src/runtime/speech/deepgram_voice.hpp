#pragma once
// The deepgram voice (Vapi's DeepgramVoice): Deepgram's Aura text-to-speech REST API. Each text
// is one POST <base>/v1/speak?model=<aura model>&encoding=linear16&sample_rate=16000
// &container=none with "Authorization: Token <key>" and {"text": ...}; the answer is raw
// 16-bit little-endian mono PCM at the pipeline's rate, streamed to on_audio as it arrives.
//
// The model Deepgram takes names the voice: aura-<voice>-en for Aura, aura-2-<voice>-<lang>
// for Aura-2, whose Spanish and German voices end in -es / -de. voice.model ("aura" or
// "aura-2", aura-2 when absent per Vapi's schema) picks the family; a voice only Aura has
// (stella, perseus, angus, helios) stays on Aura when no model is given. A voiceId already
// spelled as a Deepgram model ("aura-2-thalia-en") is used as it is.
//
// Failures (no key, a non-2xx answer, a timeout, a stream cut short) end the call with
// "pipeline-error-deepgram-voice-failed" and a message saying which.

#include <string>
#include <string_view>

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

inline constexpr const char* kDeepgramVoiceFailed = "pipeline-error-deepgram-voice-failed";

/// The `model` query value for the voice config (its voiceId and model).
std::string deepgram_voice_model(const boost::json::object& config);
/// The whole /v1/speak URL under `base_url`.
std::string deepgram_speak_url(std::string_view base_url, const boost::json::object& config);

/// The voice (HttpVoice(deps, kDeepgramVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kDeepgramVoice;

}  // namespace sb::speech
