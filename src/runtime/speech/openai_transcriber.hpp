#pragma once
// The openai transcriber (Vapi's OpenAITranscriber): a Realtime transcription session, a
// WebSocket at <base>/realtime?intent=transcription (base https://api.openai.com/v1) with
// "Authorization: Bearer <key>". It opens with
//   {"type":"session.update","session":{"type":"transcription","audio":{"input":{
//     "format":{"type":"audio/pcm","rate":24000},"transcription":{"model","language"},
//     "turn_detection":{"type":"server_vad"}}}}}
// then the customer's channel, resampled to the 24 kHz the Realtime API takes, as
// {"type":"input_audio_buffer.append","audio":"<base64 PCM>"} text messages. OpenAI's server VAD
// commits each turn; it answers with
//   {"type":"conversation.item.input_audio_transcription.delta","item_id","delta"}
//   {"type":"conversation.item.input_audio_transcription.completed","item_id","transcript"}
//   {"type":"error","error":{"message",...}}
// Deltas become partials (the item's text so far), a completed item a final that ends the turn.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

/// The Call schema's one endedReason for the OpenAI transcriber: every failure is it.
inline constexpr const char* kOpenAiTranscriberFailed = "pipeline-error-openai-transcriber-failed";
inline constexpr std::string_view kOpenAiDefaultTranscribeModel = "gpt-4o-transcribe";
/// The only PCM rate the Realtime API takes.
inline constexpr int kOpenAiRealtimeRate = 24'000;

/// The session.update that configures the session for `config`.
boost::json::object openai_session_update(const boost::json::object& config);

/// Turns the session's events into the call's transcripts; a reported error into its message.
class OpenAiTurns {
 public:
  struct Reply {
    std::optional<Transcript> transcript;
    std::optional<std::string> error;
  };
  Reply on(std::string_view text);

 private:
  std::string item_;   ///< the item being transcribed
  std::string heard_;  ///< its deltas so far
};

class OpenAiTranscriber final : public RemoteWebSocketTranscriber {
 public:
  explicit OpenAiTranscriber(const RemoteSpeechDeps& deps)
      : RemoteWebSocketTranscriber(deps, "openai") {}

  /// 400 naming the field: a provider other than openai, a model other than gpt-4o-transcribe /
  /// gpt-4o-mini-transcribe, a language that is not a string.
  void check(const boost::json::object& config) const override;

 private:
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  net::WebSocketConnectRequest request(const boost::json::object& config, std::string_view base_url,
                                       const std::string& key) const override;
  SpeechFailure key_missing() const override;
};

}  // namespace sb::speech
