#pragma once
// What the HTTP voices' unit tests share: reading the request a voice's spec builds, and a
// voice of a spec with no keys and nowhere to send to (for check(), and refusals without a key).

#include <string_view>

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

/// HttpVoice of `spec` with default settings (no server-wide keys).
struct VoiceUnderTest {
  explicit VoiceUnderTest(const speech::HttpVoiceSpec& spec)
      : voice(speech::RemoteSpeechDeps{http, websockets, settings}, spec) {}
  net::HttpClient http{1};
  net::WebSocketClient websockets;
  speech::RemoteSpeechSettings settings;
  speech::HttpVoice voice;
};

}  // namespace sb::test
