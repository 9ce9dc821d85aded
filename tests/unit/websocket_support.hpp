#pragma once
// What the WebSocket unit tests share: a handler that records what it is told, an HTTP server
// whose /ws hands the connection to accept_websocket, and a client's dial that waits for the
// outcome. Everything runs over 127.0.0.1.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "net/handover.hpp"
#include "net/http_server.hpp"
#include "net/io_threads.hpp"
#include "net/websocket.hpp"

namespace sb::test {

inline constexpr std::chrono::milliseconds kWebSocketWait{5000};

// Records what a socket's handler is told; optionally echoes every message back.
class Recorder : public net::WebSocketHandler {
 public:
  explicit Recorder(bool echo = false) : echo_(echo) {}

  void attach(std::shared_ptr<net::WebSocket> socket) {
    std::lock_guard lock(mutex_);
    socket_ = socket;
  }
  std::shared_ptr<net::WebSocket> socket() {
    std::lock_guard lock(mutex_);
    return socket_.lock();
  }

  void on_text(std::string message) override { got(false, std::move(message)); }
  void on_binary(std::string message) override { got(true, std::move(message)); }
  void on_close(std::uint16_t code, std::string reason) override {
    std::lock_guard lock(mutex_);
    ++closes_;
    code_ = code;
    reason_ = std::move(reason);
    changed_.notify_all();
  }

  bool wait_messages(std::size_t n, std::chrono::milliseconds wait = kWebSocketWait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return messages_.size() >= n; });
  }
  bool wait_closed(std::chrono::milliseconds wait = kWebSocketWait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return closes_ > 0; });
  }
  std::vector<std::pair<bool, std::string>> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  int closes() {
    std::lock_guard lock(mutex_);
    return closes_;
  }
  std::uint16_t code() {
    std::lock_guard lock(mutex_);
    return code_;
  }
  std::string reason() {
    std::lock_guard lock(mutex_);
    return reason_;
  }

 private:
  void got(bool binary, std::string message) {
    std::shared_ptr<net::WebSocket> socket;
    {
      std::lock_guard lock(mutex_);
      messages_.emplace_back(binary, message);
      socket = socket_.lock();
      changed_.notify_all();
    }
    if (echo_ && socket) {
      if (binary) {
        socket->send_binary(std::move(message));
      } else {
        socket->send_text(std::move(message));
      }
    }
  }

  const bool echo_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::weak_ptr<net::WebSocket> socket_;
  std::vector<std::pair<bool, std::string>> messages_;
  int closes_ = 0;
  std::uint16_t code_ = 0;
  std::string reason_;
};

// An HttpServer whose /ws upgrades to an echoing WebSocket (with `limits`) and whose /refuse
// refuses with a 404; every accepted socket's Recorder is kept.
class WsServer {
 public:
  explicit WsServer(net::WebSocketLimits limits = {}) : limits_(limits) {
    net::ServerOptions o;
    o.port = 0;
    o.forwarded_headers = net::websocket_request_headers();
    o.upgrade = [this](const http::Request& head) -> net::ConnectionTaker {
      if (head.path == "/refuse")
        return [](net::Handover&& c) {
          net::refuse_websocket(std::move(c), 404, R"({"message":"no such call"})");
        };
      if (head.path != "/ws" || !net::is_websocket_upgrade(head)) return {};
      return [this, head](net::Handover&& c) {
        net::accept_websocket(std::move(c), head, limits_,
                              [this](std::shared_ptr<net::WebSocket> ws) {
                                auto recorder = std::make_shared<Recorder>(/*echo=*/true);
                                recorder->attach(ws);
                                std::lock_guard lock(mutex_);
                                sessions_.push_back(recorder);
                                changed_.notify_all();
                                return recorder;
                              });
      };
    };
    server_ = std::make_unique<net::HttpServer>(
        std::move(o),
        [](http::Request&&, http::Reply reply) { reply(http::Response::json(200, "{}")); }, nullptr,
        io_);
    port_ = server_->listen();
    io_.start();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~WsServer() {
    // Accepted sockets are not the HTTP server's: close them, then stop.
    for (auto& s : sessions())
      if (auto ws = s->socket()) ws->close(net::CloseCode::kGoingAway, "test over");
    for (auto& s : sessions()) s->wait_closed();
    server_->shutdown();
    thread_.join();
    io_.stop();
  }

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/ws") const {
    return "ws://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  /// The n-th accepted socket's recorder (waits for it).
  std::shared_ptr<Recorder> session(std::size_t n = 0) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kWebSocketWait, [&] { return sessions_.size() > n; }))
      return nullptr;
    return sessions_[n];
  }

 private:
  std::vector<std::shared_ptr<Recorder>> sessions() {
    std::lock_guard lock(mutex_);
    return sessions_;
  }

  net::WebSocketLimits limits_;
  net::IoThreads io_{"ws-test", 2};
  std::unique_ptr<net::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::shared_ptr<Recorder>> sessions_;
};

struct Connected {
  std::shared_ptr<net::WebSocket> socket;
  std::string error;
};

// Connects `client` to `url` and waits for the outcome: the open socket, or why there is none.
inline Connected dial(net::WebSocketClient& client, std::string url,
                      std::shared_ptr<net::WebSocketHandler> handler,
                      net::WebSocketLimits limits = {}) {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<Connected> result;
  net::WebSocketConnectRequest request;
  request.url = std::move(url);
  request.timeout = std::chrono::seconds(5);
  request.limits = limits;
  client.connect(std::move(request), std::move(handler),
                 [&](std::shared_ptr<net::WebSocket> socket, std::string error) {
                   std::lock_guard lock(mutex);
                   result = Connected{std::move(socket), std::move(error)};
                   cv.notify_all();
                 });
  std::unique_lock lock(mutex);
  if (!cv.wait_for(lock, 2 * kWebSocketWait, [&] { return result.has_value(); }))
    return {nullptr, "no answer"};
  return *result;
}

}  // namespace sb::test
