#pragma once
// The assembly-ai transcriber (Vapi's AssemblyAITranscriber): AssemblyAI's Universal Streaming
// v3, a WebSocket at <base>/v3/ws (base https://streaming.assemblyai.com, so
// wss://streaming.assemblyai.com/v3/ws) whose query carries the configuration and whose upgrade
// request carries "Authorization: <key>". The customer's channel goes up as binary pcm_s16le
// mono at the pipeline's rate, in messages of 100 ms (AssemblyAI takes 50-1000 ms each);
// AssemblyAI answers with text messages:
//   {"type":"Begin","id":"...","expires_at":...}
//   {"type":"Turn","turn_order":0,"transcript":"...","end_of_turn":bool,
//    "turn_is_formatted":bool,"end_of_turn_confidence":0.9,"words":[{"confidence":0.9,...}]}
//   {"type":"Termination",...}            (after our {"type":"Terminate"})
// and reports failures as {"type":"Error","error":"..."} followed by a close whose code says
// which (4001 not authorised, 4002 insufficient funds, 4003 paid-only feature, 4101 bad schema,
// 4104 word boost parsing, as AssemblyAI's SDK lists them), or by refusing the upgrade.
//
// Mapped: speechModel (speech_model; language "multi" without one picks
// universal-streaming-multilingual), formatTurns (format_turns; then the formatted end of turn is
// the final), endOfTurnConfidenceThreshold, minEndOfTurnSilenceWhenConfident, maxTurnSilence,
// keytermsPrompt (keyterms_prompt, one JSON-array parameter), prompt, realtimeUrl (dialled
// instead of <base>/v3/ws), disablePartialTranscripts and confidenceThreshold (applied here, to
// the turn's mean word confidence). wordBoost and endUtteranceSilenceThreshold belong to the
// retired v2 API and are ignored.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

inline constexpr const char* kAssemblyAiTranscriberFailed =
    "pipeline-error-assembly-ai-transcriber-failed";

/// The streaming URL for `config` under `base_url` (an http(s) base, turned ws(s)), or its
/// realtimeUrl when it has one.
std::string assembly_ai_stream_url(std::string_view base_url, const boost::json::object& config);

/// One server message, as far as the pipeline cares.
struct AssemblyAiMessage {
  enum class Kind { kIgnored, kTurn, kError };
  Kind kind = Kind::kIgnored;
  std::string transcript;    ///< kTurn
  bool end_of_turn = false;  ///< kTurn
  bool formatted = false;    ///< kTurn: turn_is_formatted
  double confidence = 1.0;   ///< kTurn: the mean of its words' (1 without words)
  std::string error;         ///< kError (the close that follows ends the stream)
};
AssemblyAiMessage parse_assembly_ai_message(std::string_view text);

/// Turns AssemblyAI's Turn messages into the call's transcripts: a turn still going is a
/// partial (unless partials are off), an ended turn a final with end_of_turn. With formatting
/// on, AssemblyAI sends each ended turn twice, unformatted then formatted: the formatted one is
/// the final and the unformatted one only a partial. A final below `confidence_threshold`
/// counts as silence.
class AssemblyAiTurns {
 public:
  AssemblyAiTurns(bool format_turns, bool partials, double confidence_threshold)
      : format_turns_(format_turns), partials_(partials), threshold_(confidence_threshold) {}
  std::optional<Transcript> on(const AssemblyAiMessage& message) const;

 private:
  bool format_turns_;
  bool partials_;
  double threshold_;
};

/// The endedReason for a refused upgrade ("handshake: 401", ...) or a connect failure.
std::string assembly_ai_connect_failure_reason(std::string_view connect_error);
/// The endedReason for AssemblyAI closing the socket with `code`.
std::string assembly_ai_close_reason(std::uint16_t code);

class AssemblyAiTranscriber final : public RemoteWebSocketTranscriber {
 public:
  explicit AssemblyAiTranscriber(const RemoteSpeechDeps& deps)
      : RemoteWebSocketTranscriber(deps, "assembly-ai") {}

  /// 400 naming the field: a provider other than assembly-ai, a speechModel, language or prompt
  /// that is not a string, language "multi" with universal-streaming-english, a realtimeUrl that
  /// is not ws(s)://, thresholds outside 0..1, silences that are not numbers >= 0.
  void check(const boost::json::object& config) const override;

 private:
  // No key: kAssemblyAiTranscriberFailed (the Call schema has no key-missing reason for
  // AssemblyAI). "Authorization: <key>" on the upgrade.
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  net::WebSocketConnectRequest request(const boost::json::object& config, std::string_view base_url,
                                       const std::string& key) const override;
  SpeechFailure key_missing() const override;
};

}  // namespace sb::speech
