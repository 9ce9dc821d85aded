#pragma once
// A net::WebSocket that records what is sent to it and how it was closed; `accepting` false
// plays a peer whose queue is full (send fails, as a slow consumer's does).

#include <optional>
#include <string>
#include <vector>

#include "net/websocket.hpp"

namespace sb::test {

struct FakeWebSocket final : net::WebSocket {
  bool send_text(std::string message) override {
    if (closed || !accepting) return false;
    texts.push_back(std::move(message));
    return true;
  }
  bool send_binary(std::string message) override {
    if (closed || !accepting) return false;
    binaries.push_back(std::move(message));
    return true;
  }
  void close(net::CloseCode code, std::string) override {
    if (!closed) closed = code;
  }
  std::size_t queued_bytes() const override { return 0; }
  net::WebSocketStats stats() const override { return {}; }

  bool accepting = true;
  std::optional<net::CloseCode> closed;
  std::vector<std::string> texts, binaries;
};

}  // namespace sb::test
