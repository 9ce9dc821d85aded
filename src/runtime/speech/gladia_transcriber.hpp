#pragma once
// The gladia transcriber (Vapi's GladiaTranscriber): Gladia's live API v2. A session is opened
// with POST <base>/v2/live (base https://api.gladia.io, header "x-gladia-key: <key>", a JSON
// body with the audio format and the configuration), which answers 201 {"id","url"}; `url` is
// the session's WebSocket (wss://api.gladia.io/v2/live?token=...), needing no other auth. The
// customer's channel goes up as binary wav/pcm 16-bit mono at the pipeline's rate; Gladia
// answers with text messages, of which the pipeline reads
//   {"type":"transcript","data":{"is_final":bool,"utterance":{"text":"...","confidence":0.9}}}
// and {"type":"error",...}; {"type":"stop_recording"} ends the session.
//
// Mapped: model (solaria-1, the one live model; Vapi's legacy "fast" and "accurate" become it),
// languageBehaviour + language / languages (language_config), endpointing, audioEnhancer and
// speechThreshold (pre_processing), customVocabularyEnabled + customVocabularyConfig
// (realtime_processing), region (the init request's `region` query parameter),
// receivePartialTranscripts (messages_config; on unless false) and confidenceThreshold (applied
// here). transcriptionHint and prosody belong to Gladia's retired v1 API and are ignored.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

/// The Call schema's one endedReason for Gladia: every failure is it, the message says which.
inline constexpr const char* kGladiaTranscriberFailed = "pipeline-error-gladia-transcriber-failed";

/// The URL and JSON body of the POST that opens a session for `config` under `base_url`.
std::string gladia_init_url(std::string_view base_url, const boost::json::object& config);
boost::json::object gladia_init_body(const boost::json::object& config);
/// The session's WebSocket URL in a 2xx answer to the init request, if it has one.
std::optional<std::string> gladia_session_url(std::string_view body);

/// One server message, as far as the pipeline cares.
struct GladiaMessage {
  enum class Kind { kIgnored, kTranscript, kError };
  Kind kind = Kind::kIgnored;
  std::string text;         ///< kTranscript
  bool is_final = false;    ///< kTranscript
  double confidence = 1.0;  ///< kTranscript
  std::string error;        ///< kError
};
GladiaMessage parse_gladia_message(std::string_view text);

/// What the call is told for a transcript: a partial as a partial; a final (Gladia's
/// endpointing decided the utterance is over) as a final that ends the turn, unless below
/// `confidence_threshold`, which counts as silence.
std::optional<Transcript> gladia_transcript(const GladiaMessage& message,
                                            double confidence_threshold);

class GladiaTranscriber final : public RemoteWebSocketTranscriber {
 public:
  explicit GladiaTranscriber(const RemoteSpeechDeps& deps)
      : RemoteWebSocketTranscriber(deps, "gladia") {}

  /// 400 naming the field: a provider other than gladia, an unknown model, languageBehaviour or
  /// region, "manual" without language(s), endpointing outside 0.01-10 s, thresholds outside
  /// 0-1, customVocabularyEnabled without customVocabularyConfig.vocabulary.
  void check(const boost::json::object& config) const override;

 private:
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  /// The init request, then the session's socket; a refused init fails the stream.
  void dial(const std::shared_ptr<WebSocketTranscription>& stream,
            const boost::json::object& config, std::string_view base_url,
            const std::string& key) const override;
  SpeechFailure key_missing() const override;
};

}  // namespace sb::speech
