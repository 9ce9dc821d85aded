#pragma once
// The Rime voice, provider "rime-ai": each text is one request to Rime's HTTP endpoint,
//   POST <base>/v1/rime-tts   headers Authorization: Bearer <key>, Accept: audio/pcm
//   {"speaker", "text", "modelId", "lang", "samplingRate": 16000, "speedAlpha",
//    "pauseBetweenBrackets", "phonemizeBetweenBrackets", "reduceLatency", "inlineSpeedAlpha"}
// (https://docs.rime.ai/api-reference/arcana/http). audio/pcm is headerless signed 16-bit
// little-endian mono at samplingRate, here the pipeline's, streamed as it arrives. The model
// defaults to arcana, as the RimeAIVoice schema says; the language goes out as Vapi spells it
// (two letters). Vapi's `speed` is a multiplier while Rime's speedAlpha is a duration factor
// (above 1 is slower), so speed 2 goes out as speedAlpha 0.5. The flags go out only when set.
//
// Any failure ends the call with "pipeline-error-rime-ai-voice-failed", the one endedReason
// the Call schema has for this voice; the message carries Rime's status and error.

#include <string_view>

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

/// The voice (HttpVoice(deps, kRimeAiVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kRimeAiVoice;

}  // namespace sb::speech
