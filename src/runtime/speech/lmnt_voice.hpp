#pragma once
// The LMNT voice, provider "lmnt": each text is one request to the Speech API's bytes endpoint,
//   POST <base>/v1/ai/speech/bytes   headers X-API-Key, lmnt-version: 1.2
//   {"voice", "text", "format": "pcm_s16le", "sample_rate": 16000, "language", "speed"}
// (https://docs.lmnt.com/api-reference/speech/synthesize-speech-bytes; the version is the one
// LMNT's Python SDK sends). pcm_s16le is a streamable format: the body is raw signed 16-bit
// little-endian mono at the pipeline's rate, streamed as it arrives. `language` ("auto" or a
// two-letter code) and `speed` (0.25 to 2, the range Vapi's LMNTVoice and LMNT's speech
// parameter share) are sent only when the assistant names them; LMNT's model is its default.
//
// Any failure ends the call with "pipeline-error-lmnt-voice-failed", the one endedReason the
// Call schema has for this voice; the message carries LMNT's status and error.

#include <string_view>

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

/// The lmnt-version header this adapter was written against.
inline constexpr std::string_view kLmntVersion = "1.2";

/// The voice (HttpVoice(deps, kLmntVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kLmntVoice;

}  // namespace sb::speech
