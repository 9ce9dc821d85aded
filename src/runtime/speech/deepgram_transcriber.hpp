#pragma once
// The deepgram transcriber (Vapi's DeepgramTranscriber): Deepgram's live streaming API, a
// WebSocket at <base>/v1/listen whose query parameters carry the configuration and whose
// upgrade request carries "Authorization: Token <key>". The customer's channel goes up as
// binary linear16 mono frames at the pipeline's rate; Deepgram answers with text messages:
//   {"type":"Results","is_final":bool,"speech_final":bool,
//    "channel":{"alternatives":[{"transcript":"...","confidence":0.9}]}, ...}
//   {"type":"UtteranceEnd", ...}          (with utterance_end_ms)
// and reports failures by refusing the upgrade (an HTTP status) or by closing the socket with
// a code and a reason such as "NET-0001". {"type":"KeepAlive"} keeps an idle stream open;
// {"type":"CloseStream"} asks Deepgram to flush and close.
//
// Supported: the nova-3 / nova-2 / nova / enhanced / base families (and any other model name,
// passed through), language, endpointing, smartFormat, numerals, profanityFilter, redaction,
// keywords (not on nova-3) and keyterm (nova-3), mipOptOut, confidenceThreshold (applied here).
// Not supported: the Flux models (another API, /v2/listen) and Whisper (Deepgram does not stream
// it) — check() refuses them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>

#include "runtime/speech/held_turn.hpp"
#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

inline constexpr const char* kDeepgramTranscriberFailed =
    "pipeline-error-deepgram-transcriber-failed";
inline constexpr const char* kDeepgramKeyMissing =
    "pipeline-error-deepgram-transcriber-api-key-missing";
inline constexpr const char* kDeepgramConnectionReset =
    "pipeline-error-deepgram-returning-econnreset";

/// The model asked for when `model` is absent (Vapi's schema names no default).
inline constexpr std::string_view kDeepgramDefaultModel = "nova-2";
/// Vapi's default for `endpointing` (ms of silence before Deepgram finalises).
inline constexpr int kDeepgramDefaultEndpointing = 10;
/// utterance_end_ms we ask for: Deepgram's minimum, a backstop when speech_final never comes
/// (background noise keeps endpointing from firing).
inline constexpr int kDeepgramUtteranceEndMs = 1000;

/// The live-streaming URL for `config` under `base_url` (an http(s) base, turned ws(s)).
/// keywords go to models that take them (not nova-3), keyterm to nova-3 only: Deepgram refuses
/// the other combination, and Vapi documents keyterm as the nova-3 form of keywords.
std::string deepgram_listen_url(std::string_view base_url, const boost::json::object& config);

/// One server message, as far as the pipeline cares.
struct DeepgramMessage {
  enum class Kind { kIgnored, kTranscript, kUtteranceEnd, kError };
  Kind kind = Kind::kIgnored;
  Transcript transcript;    ///< kTranscript (text may be empty: a final of silence)
  double confidence = 1.0;  ///< kTranscript: the first alternative's
  std::string error;        ///< kError: what Deepgram said
};
DeepgramMessage parse_deepgram_message(std::string_view text);

/// Turns Deepgram's messages into the call's transcripts. Finals are held until Deepgram says
/// the turn is over (speech_final, or UtteranceEnd when background noise keeps endpointing from
/// firing), so the call gets the customer's words as one final that carries end_of_turn;
/// meanwhile each interim shows what is held plus what is being heard. Transcripts below
/// `confidence_threshold` count as silence.
class DeepgramTurns {
 public:
  explicit DeepgramTurns(double confidence_threshold) : threshold_(confidence_threshold) {}
  /// What the call is told for `message`, if anything.
  std::optional<Transcript> on(const DeepgramMessage& message);

 private:
  double threshold_;
  HeldTurn turn_;
};

/// The endedReason for a refused upgrade ("handshake: 401", ...) or a connect failure.
std::string deepgram_connect_failure_reason(std::string_view connect_error);

/// The endedReason for the socket closing before the call closed it: a connection dropped
/// without a close frame (net's kInternal "connection closed") is Deepgram's econnreset;
/// Deepgram's own close (1011 "NET-0001", 1008 "DATA-0000", ...) a transcriber failure.
std::string deepgram_close_reason(std::uint16_t code, std::string_view reason);

class DeepgramTranscriber final : public RemoteWebSocketTranscriber {
 public:
  /// `keepalive`: where each stream's KeepAlive timer runs (none: no KeepAlive messages;
  /// the pipeline's real-time frames keep a live call's stream busy anyway).
  explicit DeepgramTranscriber(const RemoteSpeechDeps& deps,
                               std::optional<boost::asio::any_io_executor> keepalive = {});

  /// 400 naming the field: a provider other than deepgram, a Flux or Whisper model (neither
  /// streams on /v1/listen), a model or language that is not a string, endpointing that is not
  /// a number.
  void check(const boost::json::object& config) const override;

 private:
  // No key: kDeepgramKeyMissing. "Authorization: Token <key>" on the upgrade.
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  net::WebSocketConnectRequest request(const boost::json::object& config, std::string_view base_url,
                                       const std::string& key) const override;
  SpeechFailure key_missing() const override;
  void dialling(WebSocketTranscription& stream) const override;

  std::optional<boost::asio::any_io_executor> keepalive_;
};

}  // namespace sb::speech
