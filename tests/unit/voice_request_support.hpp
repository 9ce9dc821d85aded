#pragma once
// What the HTTP voices' unit tests share: reading the request a voice's spec builds, and a
// voice of a spec with no keys and nowhere to send to (for check(), and refusals without a key).

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "net/http_client.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/http_voice.hpp"

namespace sb::test {

/// The value of `name` among the request's headers, "" when it has none.
inline std::string_view header_of(const net::OutboundRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers)
    if (n == name) return v;
  return {};
}

/// An answer of `status` with `body`.
inline net::OutboundResponse answer_of(int status, std::string body = "") {
  net::OutboundResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

/// An exchange that ended without an answer: `error` is "timeout", "connection reset", ...
inline net::OutboundResponse failed_with(std::string error) {
  net::OutboundResponse response;
  response.error = std::move(error);
  return response;
}

/// HttpVoice of `spec` with default settings (no server-wide keys).
struct VoiceUnderTest {
  explicit VoiceUnderTest(const speech::HttpVoiceSpec& spec)
      : voice(speech::RemoteSpeechDeps{http, websockets, settings}, spec) {}

  /// The failure synthesize() reports before it returns (a call lacking a key, ...), if any.
  std::optional<speech::SpeechFailure> failure_at_once(const boost::json::object& config,
                                                       const speech::SpeechContext& context) {
    std::optional<speech::SpeechFailure> failed;
    speech::VoiceEvents events;
    events.on_failure = [&](speech::SpeechFailure failure) { failed = std::move(failure); };
    auto synthesis = voice.synthesize(config, context, "Hi", std::move(events));
    return failed;
  }

  net::HttpClient http{1};
  net::WebSocketClient websockets;
  speech::RemoteSpeechSettings settings;
  speech::HttpVoice voice;
};

}  // namespace sb::test
