#pragma once
// The HTTP/1.1 listener and its connections (Boost.Beast over Asio, C++20 coroutines). This is
// the only place that includes Beast: everything above it sees http::Request/Response.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace spdlog {
class logger;
}

namespace sb::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  /// I/O threads; 0 means one per CPU this process may run on.
  unsigned io_threads = 0;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 2 * 1024 * 1024;
  /// Time allowed for a request's headers once its first byte arrived, and for its body.
  std::chrono::seconds request_timeout{30};
  /// How long a keep-alive connection may sit idle between requests.
  std::chrono::seconds idle_timeout{75};
  /// On shutdown, how long in-flight requests may take before connections are cut.
  std::chrono::seconds shutdown_grace{10};
};

/// Handles one request; must call the Reply exactly once (from any thread).
using RequestHandler = std::function<void(http::Request&&, http::Reply)>;

/// Thread safety: construct, listen() and run() from one thread; shutdown() from any thread.
class HttpServer {
 public:
  HttpServer(ServerOptions options, RequestHandler handler,
             std::shared_ptr<spdlog::logger> access_log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and listens. Returns the bound port (useful with port 0). Throws on failure.
  std::uint16_t listen();
  /// Serves until shutdown() or SIGINT/SIGTERM; returns once in-flight requests are answered
  /// and every connection is closed.
  void run();
  /// Stops accepting, lets in-flight requests finish, closes idle connections.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::net
