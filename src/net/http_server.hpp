#pragma once
// The HTTP/1.1 listener and its connections (Boost.Beast over Asio, C++20 coroutines). This is
// the only place that includes Beast: everything above it sees http::Request/Response.
// The server runs on a context the application owns (net::IoThreads) and shares.
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
//
// Another protocol (a WebSocket) may take a connection over right after a request's line and
// headers are read (ServerOptions::upgrade): it gets the socket and the bytes read past the
// head, and the HTTP loop forgets the connection.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace spdlog {
class logger;
}

namespace sb::net {

/// The largest body the route of `method` `path` (the decoded path) accepts.
using BodyLimitFn = std::function<std::size_t(http::Method method, std::string_view path)>;

/// The request path as the access log may show it (capability segments redacted).
using LoggablePathFn = std::function<std::string(http::Method method, std::string_view path)>;

/// A connection taken away from HTTP: its socket (on its strand of the server's context) and
/// the bytes that had arrived after the request's head, which the new protocol reads first.
struct Handover;

/// Takes a claimed connection. Runs on the connection's strand: it starts the new protocol's
/// work (co_spawn on the socket's executor) and returns.
using ConnectionTaker = std::function<void(Handover&&)>;

/// Asked with a request's head (the Request before its body is read: method, target, path,
/// query, forwarded headers) while the server is not stopping. Returns a taker to claim the
/// connection, or an empty one to leave the request to HTTP. A claimed connection no longer
/// counts against max_connections, has no HTTP deadlines, is not closed by shutdown() and is
/// not in the access log: the taker owns all of that.
using UpgradeFn = std::function<ConnectionTaker(const http::Request& head)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
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
  /// Unset: every connection stays HTTP.
  UpgradeFn upgrade;
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

class IoThreads;
struct ServerCore;  // http_server_impl.hpp

/// Runs on `io`, which the application starts before run() and stops only after run() has
/// returned (the server leaves nothing of its own pending on it by then). Constructing one
/// makes the process ignore SIGPIPE (large bodies go out with sendfile(), which would raise it).
///
/// Thread safety: construct, listen() and run() from one thread (not one of `io`'s); shutdown()
/// and stats() from any thread.
class HttpServer {
 public:
  HttpServer(ServerOptions options, RequestHandler handler,
             std::shared_ptr<spdlog::logger> access_log, IoThreads& io);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and listens. Returns the bound port (useful with port 0). Throws on failure.
  std::uint16_t listen();
  /// Serves until shutdown() or SIGINT/SIGTERM; returns once in-flight requests are answered
  /// and every connection is closed (blocks the calling thread; the serving is done by `io`'s).
  void run();
  /// Stops accepting, lets in-flight requests finish, closes idle connections.
  void shutdown();
  ServerStats stats() const;

 private:
  std::unique_ptr<ServerCore> impl_;
};

}  // namespace sb::net
