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

#include <string>
#include <string_view>

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

/// The rate of OpenAI's "pcm" response format.
inline constexpr int kOpenAiPcmRate = 24'000;

/// The voice (HttpVoice(deps, kOpenAiVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kOpenAiVoice;

}  // namespace sb::speech
