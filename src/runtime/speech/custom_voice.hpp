#pragma once
// The custom voice, provider "custom-voice" (docs: customization/custom-tts): each text is
// POSTed to voice.server.url as a server message,
//   {"message": {"type": "voice-request", "text", "sampleRate", "timestamp", "call",
//                "assistant", "customer"}}
// with the server's headers (and its credential's auth, given a signer), and the answer is raw
// PCM, signed 16-bit little-endian mono at that sampleRate, streamed as it arrives. We ask for
// 16000 (one of the rates the document lists), the pipeline's own, so nothing is resampled.
//
// server.timeoutSeconds (default 20) bounds the wait for the answer and each wait for more of
// it. A non-2xx answer, a timeout or a connection failure ends the call with
// "pipeline-error-custom-voice-failed".

#include <memory>
#include <string>

#include "runtime/speech/speech.hpp"
#include "webhooks/exchange.hpp"

namespace sb::net {
class HttpClient;
}

namespace sb::speech {

class CustomVoice final : public Voice {
 public:
  /// `http` outlives this. `signer` adds the auth of server.credentialId (the app passes
  /// webhooks::credential_signer); without one, such a server gets its headers only.
  explicit CustomVoice(net::HttpClient& http, webhooks::Signer signer = {});

  /// Refuses (ApiError 400) a voice without an http(s) server.url.
  void check(const boost::json::object& config) const override;
  std::unique_ptr<Synthesis> synthesize(const boost::json::object& config,
                                        const SpeechContext& context, std::string text,
                                        VoiceEvents events) override;

 private:
  net::HttpClient& http_;
  webhooks::Signer signer_;
};

/// The voice-request message for `text` (exposed for tests).
boost::json::object voice_request(const SpeechContext& context, const std::string& text,
                                  int sample_rate);

}  // namespace sb::speech
