#pragma once
// The 11labs transcriber (Vapi's ElevenLabsTranscriber): ElevenLabs' Scribe realtime
// speech-to-text, a WebSocket at <base>/v1/speech-to-text/realtime (base
// https://api.elevenlabs.io) whose query carries the configuration
// (model_id, audio_format=pcm_16000, commit_strategy=vad, ...) and whose upgrade request carries
// "xi-api-key: <key>"
// (https://elevenlabs.io/docs/api-reference/speech-to-text/v-1-speech-to-text-realtime, and the
// ElevenLabs Python SDK's realtime/scribe.py). The customer's channel goes up as text messages
//   {"message_type":"input_audio_chunk","audio_base_64":"<PCM>","commit":false,"sample_rate":16000}
// ElevenLabs' VAD commits each utterance; it answers with
//   {"message_type":"session_started",...}
//   {"message_type":"partial_transcript","text":"..."}
//   {"message_type":"committed_transcript","text":"..."}
// and errors as {"message_type":"<error kind>","error":"..."} (error, auth_error,
// quota_exceeded, rate_limited, ...). A partial is the utterance heard so far; a committed
// transcript a final that ends the turn.
//
// Mapped: model (scribe_v2_realtime, the one realtime Scribe model; Vapi's scribe_v1 and
// scribe_v2 are batch models and stream as it), language (language_code),
// silenceThresholdSeconds (vad_silence_threshold_secs), confidenceThreshold (vad_threshold),
// minSpeechDurationMs, minSilenceDurationMs.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

/// The Call schema's one endedReason for the ElevenLabs transcriber: every failure is it.
inline constexpr const char* kElevenLabsTranscriberFailed =
    "pipeline-error-eleven-labs-transcriber-failed";
inline constexpr std::string_view kElevenLabsRealtimeModel = "scribe_v2_realtime";

/// The realtime URL for `config` under `base_url` (an http(s) base, turned ws(s)).
std::string elevenlabs_stream_url(std::string_view base_url, const boost::json::object& config);

/// What one of ElevenLabs' messages means to the call.
HeardMessage parse_elevenlabs_message(std::string_view text);

class ElevenLabsTranscriber final : public RemoteWebSocketTranscriber {
 public:
  explicit ElevenLabsTranscriber(const RemoteSpeechDeps& deps)
      : RemoteWebSocketTranscriber(deps, "11labs") {}

  /// 400 naming the field: a provider other than 11labs, a model Vapi does not list, a language
  /// that is not a string, the VAD settings outside the ranges Vapi documents.
  void check(const boost::json::object& config) const override;

 private:
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  net::WebSocketConnectRequest request(const boost::json::object& config, std::string_view base_url,
                                       const std::string& key) const override;
  SpeechFailure key_missing() const override;
};

}  // namespace sb::speech
