#pragma once
// The PlayHT voice, provider "playht": each text is one request to PlayHT's v2 HTTP streaming
// endpoint,
//   POST <base>/api/v2/tts/stream   headers X-USER-ID: <userId>, AUTHORIZATION: <key>,
//                                   accept: audio/wav
//   {"text", "voice", "voice_engine", "output_format": "wav", "sample_rate": 16000, "speed",
//    "temperature", "emotion", "voice_guidance", "style_guidance", "text_guidance", "language"}
// (https://docs.play.ht/reference/api-generate-tts-audio-stream). "wav" is 16-bit PCM in a WAV
// container, streamed: http_pcm_stream drops its header and plays the rest as it arrives. The
// user id is the playht credential's `userId` (PlayHTCredential requires one; else
// PLAYHT_USER_ID), sent beside its key. The settings go out only when the assistant names them,
// `model` as the voice_engine (PlayHT's own default otherwise); voiceId as it is (a PlayHT voice
// id or manifest URL; Vapi's presets jennifer, melissa, ... are sent by name).
// PlayHT announced the end of its API for 2025-12-31 (pipecat's PlayHT page); this adapter
// keeps assistants written for Vapi working wherever the API, or one like it, answers.
//
// Failures end the call with the most specific endedReason the Call schema has: a timeout →
// "pipeline-error-playht-request-timed-out"; 401 → "...-401-unauthorized"; 403 → "...-403-
// forbidden-out-of-characters" when the error speaks of characters or credits, else "...-403-
// forbidden-api-access-not-available"; 402 → "...-out-of-credits"; 429 → "...-429-exceeded-
// quota"; 502 / 504 → "...-502-gateway-error" / "...-504-gateway-error"; a 400 whose error
// names the emotion, a manifest or the voice → "...-invalid-emotion", "...-voice-must-be-a-
// valid-voice-manifest-uri", "...-invalid-voice"; 500 → "...-unexpected-error"; anything else
// "pipeline-error-playht-voice-failed". check() refuses (400) the numbers outside the ranges
// PlayHTVoice gives them, and an emotion or model it does not list.

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

/// The voice (HttpVoice(deps, kPlayHtVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kPlayHtVoice;

}  // namespace sb::speech
