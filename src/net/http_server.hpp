#pragma once
// The HTTP/1.1 listener and its connections (Boost.Beast over Asio, C++20 coroutines). This is
// the only place that includes Beast: everything above it sees http::Request/Response.
//
// Hostile and sloppy clients: every phase of a connection has its own deadline (a new
// connection's first byte, a request's headers, its body, the response's write, the idle time
// between keep-alive requests), enforced by one sweep over all connections four times a second
// rather than by a timer per connection, so a deadline costs a single store per phase. The
// number of connections is capped; at the cap the longest-idle connections are closed to make
// room, so idle clients can never lock out active ones. A request body is bounded by its
// route's limit before any of it is read, and bodies in memory are bounded in total.
//
// A streamed response (http::Response::stream) goes out as its producer writes it: the head at
// once, then one chunk per batch (chunked transfer coding; HTTP/1.0 gets the bare bytes and a
// close). A client that leaves, a write past the send timeout or a shutdown past its grace
// cancels the stream, so the producer can stop.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace spdlog {
class logger;
}

namespace sb::net {

/// The largest body the route of `method` `path` (the decoded path) accepts.
using BodyLimitFn = std::function<std::size_t(http::Method method, std::string_view path)>;

/// The request path as the access log may show it (capability segments redacted).
using LoggablePathFn = std::function<std::string(http::Method method, std::string_view path)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  /// I/O threads; 0 means one per CPU this process may run on.
  unsigned io_threads = 0;
  std::size_t header_limit = 16 * 1024;
  /// Largest request body, for every route when route_body_limit is not set.
  std::size_t body_limit = 2 * 1024 * 1024;
  /// Asked after a request's headers, before its body is read (only when it has one): a body
  /// over the answer is refused with 413 without being read.
  BodyLimitFn route_body_limit;
  /// Request headers passed on in Request::headers (lower-case names); the rest are dropped.
  std::vector<std::string> forwarded_headers;
  /// Asked for each access-log line (only while the access log is on); unset logs the path.
  LoggablePathFn loggable_path;
  /// Bytes of request bodies held at once over all connections (each request counts its
  /// Content-Length, or its route's limit when chunked, until it is answered). A request that
  /// would exceed it is answered 503 with Retry-After, unread: memory stays bounded however
  /// many clients upload at once.
  std::size_t body_memory_limit = 256 * 1024 * 1024;
  /// A new connection's first byte must arrive within this.
  std::chrono::milliseconds first_byte_timeout{std::chrono::seconds(15)};
  /// From a request's first byte to the end of its headers (cuts slowloris clients).
  std::chrono::milliseconds header_timeout{std::chrono::seconds(15)};
  /// From the end of a request's headers to the end of its body.
  std::chrono::milliseconds body_timeout{std::chrono::seconds(30)};
  /// Writing one response (a client that does not read is cut).
  std::chrono::milliseconds send_timeout{std::chrono::seconds(30)};
  /// How long a keep-alive connection may sit idle between requests.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(75)};
  /// On shutdown, how long in-flight requests may take before connections are cut.
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
  /// Open connections at most. At the cap, a new connection makes the server close the
  /// connections that have been idle (or stuck in their headers) longest; if there are none,
  /// the new connection is closed at once. Keep it below the open-file limit.
  std::size_t max_connections = 20'000;
};

/// Handles one request; must call the Reply exactly once (from any thread).
using RequestHandler = std::function<void(http::Request&&, http::Reply)>;

/// Counters for tests and diagnostics.
struct ServerStats {
  std::size_t open_connections = 0;
  std::uint64_t evicted = 0;    ///< idle connections closed to make room
  std::uint64_t refused = 0;    ///< connections closed at once: at the cap, nothing to evict
  std::uint64_t timed_out = 0;  ///< connections cut by a deadline
};

/// Thread safety: construct, listen() and run() from one thread; shutdown() and stats() from
/// any thread.
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
  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::net
