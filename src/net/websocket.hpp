#pragma once
// WebSockets (RFC 6455) for live media: the server side, accepted on a connection the HTTP
// server handed over (ServerOptions::upgrade), and the client side, dialled to a provider
// (ws:// or wss://). Both are a WebSocket: messages in through a WebSocketHandler, messages out
// through a bounded queue. Beast lives in the .cpp files only.
//
// A media socket is never idle in the HTTP sense and never evicted; instead a peer that stops
// answering pings is closed, a peer that sends faster than its budget is first throttled (the
// socket stops reading, so TCP pushes back) and then closed, and a peer that does not read what
// it is sent is closed once the queue towards it is full. Nothing is buffered without bound.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace boost::asio {
class io_context;
}

namespace sb::net {

struct Handover;

/// Close codes this project uses (RFC 6455 §7.4.1).
enum class CloseCode : std::uint16_t {
  kNormal = 1000,
  kGoingAway = 1001,  ///< server shutting down
  kProtocolError = 1002,
  kUnsupported = 1003,  ///< e.g. a binary frame where only text is understood
  kPolicy = 1008,       ///< flood, unknown or taken call, ...
  kTooBig = 1009,
  kInternal = 1011,
};

struct WebSocketLimits {
  /// Largest message accepted (larger: close with kTooBig).
  std::size_t max_message_bytes = 256 * 1024;
  /// Bytes queued towards the peer at most; a send beyond it closes the socket (kPolicy, "slow
  /// consumer") rather than buffer more.
  std::size_t max_queued_bytes = 1024 * 1024;
  /// A ping goes out after this much silence from the peer; no pong (or any frame) within
  /// `pong_timeout` after it closes the socket. Zero disables pings.
  std::chrono::milliseconds ping_interval{10'000};
  std::chrono::milliseconds pong_timeout{10'000};
  /// Inbound budget (token bucket over payload bytes): 0 = unlimited. Over budget the socket
  /// stops reading until tokens refill (throttle); if it stays over budget for longer than
  /// `flood_grace` in total within a minute, it is closed with kPolicy "flood".
  std::size_t inbound_bytes_per_second = 0;
  std::size_t inbound_burst_bytes = 64 * 1024;
  std::chrono::milliseconds flood_grace{2'000};
  /// The closing handshake may take this long before the TCP connection is dropped.
  std::chrono::milliseconds close_timeout{2'000};
};

/// What a socket tells its owner. Every callback runs on the socket's own strand, one at a
/// time, never after on_close; on_close runs exactly once, whoever closed.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void on_text(std::string message) = 0;
  virtual void on_binary(std::string message) = 0;
  /// The socket is closed (by either side, a limit, a network error or shutdown). `code` is
  /// the close code received or sent (kInternal for a network error, and for a peer that
  /// stopped answering pings: reason "ping timeout"), `reason` says why.
  virtual void on_close(std::uint16_t code, std::string reason) = 0;
};

struct WebSocketStats {
  std::uint64_t messages_in = 0, messages_out = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  std::size_t queued_bytes = 0;
  std::uint64_t throttled_ms = 0;  ///< time spent not reading because over budget
};

/// An open WebSocket. Thread-safe: send and close from any thread (they post to the strand).
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  /// Queues a message. Returns false (and sends nothing) once the socket is closing or closed;
  /// a message that would overflow max_queued_bytes closes the socket and returns false.
  virtual bool send_text(std::string message) = 0;
  virtual bool send_binary(std::string message) = 0;
  /// Starts the closing handshake after what is queued has gone out. Idempotent: the first
  /// close (or limit) decides what on_close reports. Messages arriving after it are dropped.
  virtual void close(CloseCode code, std::string reason) = 0;
  /// Bytes queued and not yet written (for pacing decisions); any thread.
  virtual std::size_t queued_bytes() const = 0;
  virtual WebSocketStats stats() const = 0;
};

/// Whether `head` asks for a WebSocket upgrade (GET, Upgrade: websocket, Connection: upgrade,
/// Sec-WebSocket-Key, Sec-WebSocket-Version: 13). The HTTP server must forward these headers
/// (websocket_request_headers()).
bool is_websocket_upgrade(const http::Request& head);

/// Lower-case names of the request headers the handshake needs; add them to
/// ServerOptions::forwarded_headers.
const std::vector<std::string>& websocket_request_headers();

/// Completes the server handshake on a handed-over connection (answering 101 to `head`) and
/// starts reading. Bytes the client sent after its request (Handover::already_read, empty for a
/// compliant client) are read as its first frames. `make_handler` runs on the strand once the
/// handshake succeeded, with the open socket, and returns its handler (kept alive by the socket
/// until on_close has run). A failed handshake closes the connection without calling it.
void accept_websocket(
    Handover&& connection, const http::Request& head, WebSocketLimits limits,
    std::function<std::shared_ptr<WebSocketHandler>(std::shared_ptr<WebSocket>)> make_handler);

/// Answers the request on a handed-over connection with a plain HTTP error (e.g. 404 for an
/// unknown call, 409 for a taken one) and closes it.
void refuse_websocket(Handover&& connection, int status, std::string json_body);

/// Relays a handed-over upgrade request to the server at `base_url` (http://host:port): the
/// request is sent there as it came (its line and forwarded headers, plus `extra_headers`,
/// then the bytes that followed it), and from then on bytes are copied both ways until either
/// side closes. That server answers the handshake. A server that cannot be reached within 5 s
/// is answered with 502 on the connection.
void relay_upgrade(Handover&& connection, const http::Request& head, std::string_view base_url,
                   const http::Fields& extra_headers);

struct WebSocketConnectRequest {
  std::string url;  ///< ws://, wss://, or http(s):// (treated as ws(s)://)
  http::Fields headers;
  std::chrono::milliseconds timeout{10'000};  ///< connect + TLS + handshake
  WebSocketLimits limits;
};

/// The outbound side, for speech providers; runs on the given context (or threads of its own).
class WebSocketClient {
 public:
  /// `context` null: one I/O thread of its own. `extra_ca_pem`: trusted besides the system's.
  explicit WebSocketClient(boost::asio::io_context* context = nullptr,
                           std::string extra_ca_pem = "");
  ~WebSocketClient();  ///< stop(), then its own thread if it has one
  /// Closes every socket it opened (their handlers get on_close) and waits until they are gone;
  /// then connects no more. Needs the context running: with a context of the caller's, call it
  /// before stopping that context. Idempotent.
  void stop();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  /// Dials, then calls `done` once on the socket's strand: with the open socket and no error,
  /// or with null and a short reason ("timeout", "connection refused", "handshake: 401",
  /// "tls: ...", "cancelled", "stopped"). `handler` receives the socket's messages from then
  /// on (and no on_close when the connect failed). Cancel cuts a connect still under way;
  /// once `done` has had the socket it does nothing (close the socket instead).
  using Cancel = std::function<void()>;
  Cancel connect(WebSocketConnectRequest request, std::shared_ptr<WebSocketHandler> handler,
                 std::function<void(std::shared_ptr<WebSocket>, std::string error)> done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::net
