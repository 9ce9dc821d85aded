// One connection's HTTP exchanges: await a request, read its head, offer the connection to
// another protocol (the hand-over point), read the body, call the handler, write the answer,
// then keep the connection alive for the next request or linger and close it. The only
// translation unit that instantiates Beast's HTTP parser.
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include "core/api_error.hpp"
#include "http/error_response.hpp"
#include "net/access_log.hpp"
#include "net/handover.hpp"
#include "net/http_server_impl.hpp"
#include "net/wire_format.hpp"

namespace sb::net {
namespace {

namespace bhttp = beast::http;
using Parser = bhttp::request_parser<bhttp::string_body>;

// A connection going idle keeps a read buffer this large at most; a bigger one (grown by a
// large body) is freed, so idle keep-alive connections stay cheap.
constexpr std::size_t kIdleBufferKeep = 16 * 1024;
constexpr std::size_t kLingerBytes = 1024 * 1024;

std::string remote_address(const tcp::socket& socket) {
  error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("-") : endpoint.address().to_string();
}

bool is_http_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category();
}

// What a request that could not be read deserves: a 4xx for a malformed, oversized or too slow
// one, or nothing (nullopt) when the peer went away, was evicted or the server is stopping.
std::optional<http::Response> reject_unreadable(const error_code& ec, Cut cut) {
  if (ec == asio::error::operation_aborted) {
    if (cut != Cut::kDeadline) return std::nullopt;
    return http::error_response(408, "Request timeout: the request did not arrive in time");
  }
  if (ec == bhttp::error::header_limit)
    return http::error_response(431, "Request headers are too large");
  if (is_http_error(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    return http::error_response(ApiError::bad_request("Malformed HTTP request: " + ec.message()));
  return std::nullopt;
}

http::Response payload_too_large(std::size_t limit) {
  return http::error_response(ApiError(
      ErrorCode::kPayloadTooLarge,
      "Request body is too large: at most " + std::to_string(limit) + " bytes are accepted"));
}

http::Response server_busy() {
  auto r = http::error_response(ApiError(
      ErrorCode::kServiceUnavailable, "The server is receiving too many request bodies at once"));
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

http::Request make_request(const bhttp::request<bhttp::string_body>& raw,
                           const std::vector<std::string>& forwarded_headers) {
  http::Request r;
  r.method = http::parse_method(raw.method_string());
  r.target = raw.target();
  r.content_type = raw[bhttp::field::content_type];
  r.authorization = raw[bhttp::field::authorization];
  r.request_id = request_id_for(raw["X-Request-Id"]);
  // Only the headers some route needs, so the hot path allocates nothing for the rest.
  for (const auto& name : forwarded_headers)
    if (auto it = raw.find(name); it != raw.end())
      r.headers.emplace_back(name, std::string(it->value()));
  return r;
}

// How reading a request ended.
enum class Read { kReady, kRefused, kGone, kClaimed };

// How a connection goes on after one request.
enum class Next { kKeepAlive, kLinger, kClose, kHandedOver };

// One connection's coroutine state. Everything runs on the connection's strand.
class Session {
 public:
  Session(ServerCore& server, std::shared_ptr<Connection> conn)
      : server_(server), conn_(std::move(conn)), c_(*conn_), remote_(remote_address(c_.socket)) {}

  asio::awaitable<void> run();

 private:
  asio::awaitable<bool> await_request();
  asio::awaitable<Next> exchange();
  asio::awaitable<Read> read_request(Parser& parser, http::Request& request,
                                     http::Response& refusal, BodyLease& lease);
  asio::awaitable<std::optional<http::Response>> read_body(Parser& parser,
                                                           const http::Request& request,
                                                           BodyLease& lease);
  asio::awaitable<http::Response> call_handler(http::Request request);
  asio::awaitable<bool> write(std::string_view request_id, http::Response response,
                              unsigned version, bool keep_alive);
  asio::awaitable<bool> send_file(std::string_view head, const BodyFile& body);
  asio::awaitable<void> linger();
  void hand_over();

  ServerCore& server_;
  std::shared_ptr<Connection> conn_;
  Connection& c_;
  const std::string remote_;
  beast::flat_buffer buffer_;
  ConnectionTaker taker_;  // set when another protocol claimed the connection
};

asio::awaitable<void> Session::run() {
  Next next = Next::kClose;
  for (;;) {
    if (server_.stopping) break;
    if (buffer_.size() == 0 && !co_await await_request()) break;
    next = co_await exchange();
    if (next != Next::kKeepAlive) break;
    c_.enter(Phase::kIdle);
  }
  if (next == Next::kHandedOver) {
    hand_over();
    co_return;
  }
  if (next == Next::kLinger && !server_.stopping) co_await linger();
  error_code ignored;
  c_.socket.shutdown(tcp::socket::shutdown_send, ignored);
  c_.socket.close(ignored);
  c_.closed = true;
  server_.withdraw(conn_);  // last: the server may be gone after it
}

// Waits for the next request's first bytes. False when the connection should close instead:
// the peer closed, its deadline passed, it was evicted, or the server is stopping.
asio::awaitable<bool> Session::await_request() {
  if (buffer_.capacity() > kIdleBufferKeep) {
    buffer_.clear();
    buffer_.shrink_to_fit();
  }
  if (buffer_.capacity() == 0) {
    // A connection without a buffer (a new one) gets one only once it has something to say:
    // thousands of connections that never send cost no buffer memory.
    auto [ec] = co_await c_.socket.async_wait(tcp::socket::wait_read, kTuple);
    if (ec) co_return false;
  }
  auto [ec, n] = co_await c_.socket.async_read_some(buffer_.prepare(kReadSize), kTuple);
  if (ec) co_return false;
  buffer_.commit(n);
  co_return true;
}

// Reads one request from the connection and answers it.
asio::awaitable<Next> Session::exchange() {
  c_.enter(Phase::kHeaders);
  const auto started = std::chrono::steady_clock::now();
  Parser parser;
  http::Request request;
  http::Response response;
  BodyLease lease;
  const Read read = co_await read_request(parser, request, response, lease);
  if (read == Read::kGone) co_return Next::kClose;
  if (read == Read::kClaimed) co_return Next::kHandedOver;
  request.remote_address = remote_;
  const std::string request_id = request.request_id;
  const std::string path = request.path;
  if (read == Read::kReady) {
    c_.enter(Phase::kHandling);
    response = co_await call_handler(std::move(request));
  }
  const bool header_done = parser.is_header_done();
  const unsigned version = header_done ? parser.get().version() : 11;
  const std::string_view method = header_done ? parser.get().method_string() : "";
  // A refusal leaves the connection at an unknown place in the byte stream: close it. So does
  // a streamed HTTP/1.0 response, whose end only the close can mark.
  bool keep_alive = read == Read::kReady && parser.get().keep_alive() && !server_.stopping &&
                    !(response.stream && version == 10);
  const int status = response.status;
  std::size_t bytes = response.body_size();
  bool written = false;
  if (response.stream) {
    const bool head_only = header_done && parser.get().method() == bhttp::verb::head;
    std::string head = response_head(response, request_id, version, keep_alive);
    const Streamed sent = co_await write_stream(
        c_, buffer_, std::move(head), std::move(response.stream), version != 10, head_only);
    written = sent.complete;
    bytes = sent.bytes;
    keep_alive = keep_alive && !sent.overflowed;
  } else {
    written = co_await write(request_id, std::move(response), version, keep_alive);
  }
  if (server_.access_log) {
    const auto& loggable = server_.options.loggable_path;
    const std::string logged = loggable ? loggable(http::parse_method(method), path) : path;
    log_access(server_.access_log.get(),
               {request_id, method, logged, remote_, status, bytes, started});
  }
  if (!written) co_return Next::kClose;
  co_return keep_alive ? Next::kKeepAlive : Next::kLinger;
}

// Reads a request's headers, then its body unless it is refused or another protocol claims the
// connection. kReady: `request` is complete; kRefused: `refusal` is the answer (a 4xx or 503);
// kClaimed: taker_ is set; kGone: close without an answer.
asio::awaitable<Read> Session::read_request(Parser& parser, http::Request& request,
                                            http::Response& refusal, BodyLease& lease) {
  const ServerOptions& options = server_.options;
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(boost::none);  // the route's limit applies once the headers are in
  auto [ec, n] = co_await bhttp::async_read_header(c_.socket, buffer_, parser, kTuple);
  if (ec) {
    auto rejected = reject_unreadable(ec, c_.cut);
    if (!rejected) co_return Read::kGone;
    request.request_id = request_id_for({});
    refusal = std::move(*rejected);
    co_return Read::kRefused;
  }
  request = make_request(parser.get(), options.forwarded_headers);
  if (!parse_target(request.target, request)) {
    request.path = request.target;
    refusal = http::error_response(ApiError::bad_request("Malformed request target"));
    co_return Read::kRefused;
  }
  // The hand-over point: the request's line and headers are parsed, nothing past them is
  // consumed (buffer_ holds what followed), and nothing has been written.
  if (options.upgrade && !server_.stopping) {
    taker_ = options.upgrade(request);
    if (taker_) co_return Read::kClaimed;
  }
  if (!parser.is_done()) {
    if (auto rejected = co_await read_body(parser, request, lease)) {
      refusal = std::move(*rejected);
      co_return Read::kRefused;
    }
    if (!parser.is_done()) co_return Read::kGone;  // the peer left, was evicted, or stopping
  }
  request.body = std::move(parser.get().body());
  co_return Read::kReady;
}

// Reads the body the headers announce, unless it is over its route's limit (413) or over the
// memory all bodies may hold (503): both are refused before a byte of it is read. nullopt when
// the body was read (then parser.is_done()) or the connection should just close.
asio::awaitable<std::optional<http::Response>> Session::read_body(Parser& parser,
                                                                  const http::Request& request,
                                                                  BodyLease& lease) {
  const ServerOptions& options = server_.options;
  const std::size_t limit = options.route_body_limit
                                ? options.route_body_limit(request.method, request.path)
                                : options.body_limit;
  const auto length = parser.content_length();
  if (length && *length > limit) co_return payload_too_large(limit);
  const std::size_t need = length ? static_cast<std::size_t>(*length) : limit;
  if (!server_.body_memory.take(need)) co_return server_busy();
  lease = BodyLease(server_.body_memory, need);
  parser.body_limit(limit);
  c_.enter(Phase::kBody);
  if (parser.get()[bhttp::field::expect] == "100-continue") {
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
    auto [wec, wn] = co_await bhttp::async_write(c_.socket, go_on, kTuple);
    if (wec) co_return std::nullopt;
  }
  auto [ec, n] = co_await bhttp::async_read(c_.socket, buffer_, parser, kTuple);
  if (!ec) co_return std::nullopt;
  if (ec == bhttp::error::body_limit) co_return payload_too_large(limit);
  co_return reject_unreadable(ec, c_.cut);
}

asio::awaitable<http::Response> Session::call_handler(http::Request request) {
  auto initiate = [this, &request](auto completion) {
    using Completion = decltype(completion);
    // Holds the coroutine's completion until a worker replies; the connection stays in the
    // registry meanwhile, so run() does not return before every handler has replied. If the
    // Reply is dropped without being called, the client still gets a 500 instead of a hang.
    struct Pending {
      Pending(Completion c, asio::any_io_executor e)
          : completion(std::move(c)), executor(std::move(e)) {}
      Completion completion;
      asio::any_io_executor executor;
      bool done = false;
      void finish(http::Response response) {
        done = true;
        asio::post(executor, [c = std::move(completion), r = std::move(response)]() mutable {
          std::move(c)(std::move(r));
        });
      }
      ~Pending() {
        if (!done)
          finish(http::error_response(ApiError(ErrorCode::kInternal, "Internal server error")));
      }
    };
    auto executor =
        asio::prefer(asio::get_associated_executor(completion, server_.ioc.get_executor()),
                     asio::execution::outstanding_work.tracked);
    auto pending = std::make_shared<Pending>(std::move(completion), std::move(executor));
    server_.handler(std::move(request), [pending](http::Response response) {
      if (!pending->done) pending->finish(std::move(response));
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(http::Response)>(
      std::move(initiate), asio::use_awaitable);
}

asio::awaitable<bool> Session::write(std::string_view request_id, http::Response response,
                                     unsigned version, bool keep_alive) {
  c_.enter(Phase::kWriting);
  // The head is formatted here and sent with the body in one gathered write; Beast's
  // serializer costs more than the whole rest of a cached GET.
  const std::string head = response_head(response, request_id, version, keep_alive);
  if (const auto file = server_.body_files.file_for(response.shared_body))
    co_return co_await send_file(head, *file);
  const std::string_view body =
      response.shared_body ? std::string_view(*response.shared_body) : response.body;
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  auto [ec, bytes] = co_await asio::async_write(c_.socket, buffers, kTuple);
  co_return !ec;
}

// A large cached body from its file (BodyFiles): the head first, flagged MSG_MORE so it leaves
// in the body's first segment, then the file with sendfile(), which hands the kernel the file's
// pages rather than copying the body in. Waits for room whenever the socket is full; the send
// timeout, an eviction or a shutdown cancel that wait like any write.
asio::awaitable<bool> Session::send_file(std::string_view head, const BodyFile& body) {
  while (!head.empty()) {
    auto [ec, n] = co_await c_.socket.async_send(asio::buffer(head), MSG_MORE, kTuple);
    if (ec) co_return false;
    head.remove_prefix(n);
  }
  off_t offset = 0;
  const auto size = static_cast<off_t>(body.size());
  while (offset < size) {
    // The socket is non-blocking: Asio made it so for the send above.
    const ssize_t n = ::sendfile(c_.socket.native_handle(), body.fd(), &offset,
                                 static_cast<std::size_t>(size - offset));
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    if (n == 0 || errno != EAGAIN) co_return false;
    auto [ec] = co_await c_.socket.async_wait(tcp::socket::wait_write, kTuple);
    if (ec) co_return false;
  }
  co_return true;
}

// After a response that ends the connection: sends FIN, then reads and drops what the client
// still sends (the rest of a refused body, pipelined requests) until it closes too, or
// kLingerTimeout / kLingerBytes run out.
asio::awaitable<void> Session::linger() {
  error_code ignored;
  c_.socket.shutdown(tcp::socket::shutdown_send, ignored);
  c_.enter(Phase::kLingering);
  buffer_.clear();
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [ec, n] = co_await c_.socket.async_read_some(buffer_.prepare(kReadSize), kTuple);
    if (ec) break;
    drained += n;
  }
}

// Gives the socket and the bytes read past the request's head to the protocol that claimed
// them. The server forgets the connection first (it may be gone after that), then the taker
// runs with what it needs.
void Session::hand_over() {
  const auto unread = buffer_.data();
  Handover handover{std::move(c_.socket),
                    std::string(static_cast<const char*>(unread.data()), unread.size())};
  c_.closed = true;
  server_.withdraw(conn_);
  taker_(std::move(handover));
}

}  // namespace

asio::awaitable<void> ServerCore::serve(std::shared_ptr<Connection> conn) {
  Session session(*this, std::move(conn));
  co_await session.run();
}

}  // namespace sb::net
