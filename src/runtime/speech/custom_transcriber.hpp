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

namespace sb::net {
class WebSocketClient;
}

namespace sb::speech {

inline constexpr const char* kCustomTranscriberFailed = "pipeline-error-custom-transcriber-failed";

class CustomTranscriber final : public Transcriber {
 public:
  /// `client` dials every stream's socket; it must outlive the streams' connections.
  explicit CustomTranscriber(net::WebSocketClient& client) : client_(client) {}

  /// provider "custom-transcriber" and server.url a ws:// or wss:// URL; 400 otherwise.
  void check(const boost::json::object& config) const override;
  /// Connects within server.timeoutSeconds (20 by default) with server.headers (and the legacy
  /// server.secret as X-Vapi-Secret). A failed connect, an error message, or the server closing
  /// before close() end in on_failure with kCustomTranscriberFailed.
  std::unique_ptr<TranscriberStream> open(const boost::json::object& config,
                                          const SpeechContext& context,
                                          TranscriberEvents events) override;

 private:
  net::WebSocketClient& client_;
};

}  // namespace sb::speech
