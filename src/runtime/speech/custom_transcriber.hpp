#pragma once
// The custom-transcriber provider (docs: customization/custom-transcriber): a call's audio goes
// to the assistant's own WebSocket server at transcriber.server.url, which answers with
// transcripts.
//
// The protocol, as Vapi documents it: on connect a text message
//   {"type":"start","encoding":"linear16","container":"raw","sampleRate":16000,"channels":2}
// then binary messages of raw interleaved stereo PCM, 16-bit little-endian, channel 0 the
// customer and channel 1 the assistant; the server answers with text messages
//   {"type":"transcriber-response","transcription":"...","channel":"customer"|"assistant",
//    "transcriptType":"final"|"partial"}     (transcriptType optional, "final" by default)
// and may report {"type":"error","error":"..."}.

#include <boost/json/object.hpp>

#include "runtime/speech/speech.hpp"
#include "webhooks/exchange.hpp"

namespace sb::net {
class WebSocketClient;
}

namespace sb::speech {

inline constexpr const char* kCustomTranscriberFailed = "pipeline-error-custom-transcriber-failed";

class CustomTranscriber final : public Transcriber {
 public:
  /// `client` dials every stream's socket; it must outlive the streams' connections. `signer`
  /// adds the auth of server.credentialId to the upgrade request (none: not resolved).
  explicit CustomTranscriber(net::WebSocketClient& client, webhooks::Signer signer = {})
      : client_(client), signer_(std::move(signer)) {}

  /// provider "custom-transcriber" and server.url a ws:// or wss:// URL; 400 otherwise.
  void check(const boost::json::object& config) const override;
  /// Connects within server.timeoutSeconds (20 by default) with server.headers, the legacy
  /// server.secret as X-Vapi-Secret, and server.credentialId's auth (a bearer token, an HMAC
  /// over the empty body, an OAuth2 token) when it names one. A credential that cannot sign, a
  /// failed connect, an error message, or the server closing before close() end in on_failure
  /// with kCustomTranscriberFailed.
  std::unique_ptr<TranscriberStream> open(const boost::json::object& config,
                                          const SpeechContext& context,
                                          TranscriberEvents events) override;

 private:
  net::WebSocketClient& client_;
  webhooks::Signer signer_;
};

}  // namespace sb::speech
