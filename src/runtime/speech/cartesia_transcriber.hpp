#pragma once
// The cartesia transcriber (Vapi's CartesiaTranscriber): Cartesia's Ink realtime speech-to-text
// over a WebSocket under <base> (base https://api.cartesia.ai) whose query carries the model and
// the audio format (encoding=pcm_s16le, sample_rate) and whose upgrade request carries
// "X-API-Key: <key>" and "Cartesia-Version" (https://docs.cartesia.ai/api-reference/stt/stt,
// .../stt/turns/websocket, and the Cartesia Python SDK's types/stt). The customer's channel goes
// up as binary PCM. Which endpoint depends on the model:
//  - ink-whisper (Vapi's default): /stt/websocket?model=ink-whisper&language=..., where Cartesia
//    finalises an utterance itself after a silence. It answers
//      {"type":"transcript","is_final":bool,"text":"...","request_id",...}
//    whose text is what was heard since the last final; a final ends the turn. The text message
//    `close` ends the session.
//  - ink-2: /stt/turns/websocket?model=ink-2 (English only, so no language), where the model
//    detects turns: {"type":"turn.update","transcript"} (the turn so far) is a partial,
//    {"type":"turn.end","transcript"} the final that ends the turn; {"type":"close"} ends it.
// Both report failures as {"type":"error","message"|"error",...}.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

/// The Call schema's one endedReason for the Cartesia transcriber: every failure is it.
inline constexpr const char* kCartesiaTranscriberFailed =
    "pipeline-error-cartesia-transcriber-failed";

/// The streaming URL for `config` under `base_url` (an http(s) base, turned ws(s)).
std::string cartesia_stream_url(std::string_view base_url, const boost::json::object& config);

/// What one of Cartesia's messages (of either endpoint) means to the call.
HeardMessage parse_cartesia_message(std::string_view text);

class CartesiaTranscriber final : public RemoteWebSocketTranscriber {
 public:
  explicit CartesiaTranscriber(const RemoteSpeechDeps& deps)
      : RemoteWebSocketTranscriber(deps, "cartesia") {}

  /// 400 naming the field: a provider other than cartesia, a model other than ink-whisper /
  /// ink-2, a language that is not a string, ink-2 with a language other than English.
  void check(const boost::json::object& config) const override;

 private:
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  net::WebSocketConnectRequest request(const boost::json::object& config, std::string_view base_url,
                                       const std::string& key) const override;
  SpeechFailure key_missing() const override;
};

}  // namespace sb::speech
