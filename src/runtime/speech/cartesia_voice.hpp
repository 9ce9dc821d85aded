#pragma once
// The Cartesia voice, provider "cartesia": each text is one request to the bytes endpoint,
//   POST <base>/tts/bytes   headers X-API-Key, Cartesia-Version: 2026-03-01
//   {"model_id", "transcript", "voice": {"mode": "id", "id"}, "language",
//    "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 16000},
//    "generation_config": {"speed", "volume"}, "pronunciation_dict_id"}
// (https://docs.cartesia.ai/api-reference/tts/bytes), whose body, chunked, is raw PCM at the
// pipeline's rate, streamed as it arrives. Cartesia takes the key as X-API-Key or as
// Authorization: Bearer; we send the former. The model defaults to sonic-3.5 (Vapi picks one per
// voice, which this server cannot know); the older experimentalControls go out as the voice's
// __experimental_controls to models before sonic-3 only, which read them (later ones take
// generationConfig). generationConfig.experimental is not sent: the public API reference names
// no field for it.
//
// Failures: a 402 ends the call with "pipeline-error-cartesia-requested-payment", a 500, 502,
// 503 or 522 with its "pipeline-error-cartesia-<status>-server-error", anything else with
// "pipeline-error-cartesia-voice-failed".

#include <string>
#include <string_view>

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

/// The Cartesia-Version this adapter was written against.
inline constexpr std::string_view kCartesiaVersion = "2026-03-01";

/// The voice (HttpVoice(deps, kCartesiaVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kCartesiaVoice;

}  // namespace sb::speech
