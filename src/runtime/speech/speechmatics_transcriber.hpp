#pragma once
// The speechmatics transcriber (Vapi's SpeechmaticsTranscriber): Speechmatics' Realtime API, a
// WebSocket at <base>/v2 (base https://eu.rt.speechmatics.com, or https://us.rt.speechmatics.com
// for region "us" when no other base is configured) with "Authorization: Bearer <key>". The
// session opens with a text StartRecognition (audio format and transcription_config); audio
// waits for Speechmatics' RecognitionStarted and then goes up as binary pcm_s16le mono at the
// pipeline's rate (AddAudio). Speechmatics answers with text messages:
//   {"message":"AddPartialTranscript","metadata":{"transcript":"..."},...}
//   {"message":"AddTranscript","metadata":{"transcript":"..."},...}
//   {"message":"EndOfUtterance",...}       (after end_of_utterance_silence_trigger of silence)
//   {"message":"Error","type":"...","reason":"..."}
// and {"message":"EndOfStream","last_seq_no":N} ends the session.
//
// Mapped: language, operatingPoint, enableDiarization (diarization "speaker"), maxDelay (ms →
// max_delay s, within Speechmatics' 0.7-4 s), customVocabulary (additional_vocab, soundsLike →
// sounds_like), removeDisfluencies (transcript_filtering_config), endOfTurnSensitivity
// (conversation_config.end_of_utterance_silence_trigger: 0.2 s at 1, 1 s at 0, this server's
// scale). Not applied: numeralStyle, minimumSpeechDuration.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/speech/held_turn.hpp"
#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

/// The Call schema's one endedReason for Speechmatics: every failure is it.
inline constexpr const char* kSpeechmaticsTranscriberFailed =
    "pipeline-error-speechmatics-transcriber-failed";

/// The Realtime URL for `config` under `base_url` (an http(s) base, turned ws(s)); region "us"
/// moves the default base to the US endpoint.
std::string speechmatics_url(std::string_view base_url, const boost::json::object& config);
/// The StartRecognition message for `config`.
boost::json::object speechmatics_start(const boost::json::object& config);

/// One server message, as far as the pipeline cares.
struct SpeechmaticsMessage {
  enum class Kind { kIgnored, kStarted, kPartial, kFinal, kEndOfUtterance, kError };
  Kind kind = Kind::kIgnored;
  std::string text;   ///< kPartial, kFinal: metadata.transcript
  std::string error;  ///< kError: type and reason
};
SpeechmaticsMessage parse_speechmatics_message(std::string_view text);

/// Turns Speechmatics' messages into the call's transcripts: finals are held until
/// EndOfUtterance, then given as one final that ends the turn; partials show what is held plus
/// what is heard.
class SpeechmaticsTurns {
 public:
  std::optional<Transcript> on(const SpeechmaticsMessage& message);

 private:
  HeldTurn turn_;
};

class SpeechmaticsTranscriber final : public RemoteWebSocketTranscriber {
 public:
  explicit SpeechmaticsTranscriber(const RemoteSpeechDeps& deps)
      : RemoteWebSocketTranscriber(deps, "speechmatics") {}

  /// 400 naming the field: a provider other than speechmatics, a model other than "default",
  /// an operatingPoint, region or language that is not one Speechmatics has, maxDelay outside
  /// 500-10000 ms, endOfTurnSensitivity outside 0-1, a customVocabulary item without content.
  void check(const boost::json::object& config) const override;

 private:
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  net::WebSocketConnectRequest request(const boost::json::object& config, std::string_view base_url,
                                       const std::string& key) const override;
  SpeechFailure key_missing() const override;
};

}  // namespace sb::speech
