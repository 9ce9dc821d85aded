#include "net/http_server.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/api_error.hpp"
#include "http/body_stream.hpp"
#include "http/error_response.hpp"
#include "net/access_log.hpp"
#include "net/body_memory.hpp"
#include "net/connection.hpp"
#include "net/connection_registry.hpp"
#include "net/wire_format.hpp"

namespace sb::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Bytes read at once while waiting for a request: a typical request's headers (the buffer
// grows for longer ones). Small, since an idle keep-alive connection keeps its buffer.
constexpr std::size_t kReadSize = 1024;
// A connection going idle keeps a read buffer this large at most; a bigger one (grown by a
// large body) is freed, so idle keep-alive connections stay cheap.
constexpr std::size_t kIdleBufferKeep = 16 * 1024;
// Deadlines are checked this often: a connection is cut at most this late.
constexpr auto kSweepInterval = std::chrono::milliseconds(250);
// Before closing a connection whose request may not have been read to the end, unread bytes are
// drained for this long (kLingerBytes at most), so the client reads the answer rather than a
// reset (nginx's lingering close).
constexpr std::chrono::milliseconds kLingerTimeout{2000};
constexpr std::size_t kLingerBytes = 1024 * 1024;
// What a client may send (pipelined requests) while its response streams: kept for the next
// exchange up to this much; past it the rest is dropped and the connection closes after the
// stream, so a client cannot grow the buffer without bound.
constexpr std::size_t kPipelinedKeep = 64 * 1024;

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

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

using Parser = bhttp::request_parser<bhttp::string_body>;

// How reading a request ended.
enum class Read { kReady, kRefused, kGone };

// How a connection goes on after one request.
enum class Next { kKeepAlive, kLinger, kClose };

// How writing a streamed response went.
struct Streamed {
  bool complete = false;    // the last chunk was written
  bool overflowed = false;  // the client sent more than kPipelinedKeep meanwhile
  std::size_t bytes = 0;    // body bytes written
};

// Wakes a connection's coroutine from the producer's thread. `ready` is set on the
// connection's strand before the timer is cancelled, so a wake-up that lands while the
// coroutine is not waiting on the timer is not lost.
struct Wake {
  explicit Wake(asio::any_io_executor executor)
      : timer(std::move(executor), asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  bool ready = false;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, RequestHandler h, std::shared_ptr<spdlog::logger> log)
      : options(std::move(o)),
        handler(std::move(h)),
        access_log(std::move(log)),
        threads(options.io_threads ? options.io_threads : usable_cpus()),
        ioc(static_cast<int>(threads)),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        control(ioc.get_executor()),
        grace_timer(control),
        sweep_timer(ioc),
        body_memory(options.body_memory_limit),
        connections(options.max_connections) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> sweep_loop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
  asio::awaitable<bool> await_request(Connection& c, beast::flat_buffer& buffer);
  asio::awaitable<Next> exchange(Connection& c, beast::flat_buffer& buffer,
                                 const std::string& remote);
  asio::awaitable<Read> read_request(Connection& c, beast::flat_buffer& buffer, Parser& parser,
                                     http::Request& request, http::Response& refusal,
                                     BodyLease& lease);
  asio::awaitable<std::optional<http::Response>> read_body(Connection& c,
                                                           beast::flat_buffer& buffer,
                                                           Parser& parser,
                                                           const http::Request& request,
                                                           BodyLease& lease);
  asio::awaitable<http::Response> call_handler(http::Request request);
  asio::awaitable<bool> write(Connection& c, std::string_view request_id, http::Response response,
                              unsigned version, bool keep_alive);
  asio::awaitable<Streamed> write_stream(Connection& c, beast::flat_buffer& buffer,
                                         std::string_view request_id, http::Response response,
                                         unsigned version, bool keep_alive, bool head_only);
  asio::awaitable<bool> write_chunk(Connection& c, std::string_view head, std::string_view data,
                                    bool last, bool chunked);
  asio::awaitable<bool> await_producer(Connection& c, http::BodyStream& stream,
                                       beast::flat_buffer& buffer, bool& overflowed);
  asio::awaitable<void> linger(Connection& c, beast::flat_buffer& buffer);

  std::int64_t timeout_ms(Phase phase) const;
  void expire(Connection& c);
  void begin_shutdown();

  ServerOptions options;
  RequestHandler handler;
  std::shared_ptr<spdlog::logger> access_log;
  unsigned threads;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  // Shutdown steps and the grace timer run on this strand, whichever thread starts them.
  asio::strand<asio::io_context::executor_type> control;
  asio::steady_timer grace_timer;
  asio::steady_timer sweep_timer;
  BodyMemory body_memory;
  std::atomic<bool> stopping{false};
  ConnectionRegistry connections;
  std::atomic<std::uint64_t> timed_out{0};
};

HttpServer::HttpServer(ServerOptions options, RequestHandler handler,
                       std::shared_ptr<spdlog::logger> access_log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(access_log))) {
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::listen() {
  auto& a = impl_->acceptor;
  const tcp::endpoint endpoint(asio::ip::make_address(impl_->options.host), impl_->options.port);
  a.open(endpoint.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  a.bind(endpoint);
  a.listen(asio::socket_base::max_listen_connections);
  return a.local_endpoint().port();
}

void HttpServer::run() {
  auto& im = *impl_;
  im.signals.async_wait([&im](const error_code& ec, int) {
    if (!ec) asio::post(im.control, [&im] { im.begin_shutdown(); });
  });
  asio::co_spawn(im.ioc, im.accept_loop(), asio::detached);
  asio::co_spawn(im.ioc, im.sweep_loop(), asio::detached);
  std::vector<std::thread> extra;
  for (unsigned i = 1; i < im.threads; ++i) extra.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : extra) t.join();
}

void HttpServer::shutdown() {
  asio::post(impl_->control, [im = impl_.get()] { im->begin_shutdown(); });
}

ServerStats HttpServer::stats() const {
  ServerStats s;
  s.open_connections = impl_->connections.size();
  s.evicted = impl_->connections.evicted();
  s.refused = impl_->connections.refused();
  s.timed_out = impl_->timed_out.load();
  return s;
}

void HttpServer::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](const error_code& ec) {
    if (!ec) connections.close_all(/*idle_only=*/false);  // in-flight requests are abandoned
  });
  if (connections.close_all(/*idle_only=*/true)) grace_timer.cancel();
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  std::int64_t last_warning = 0;
  while (!stopping) {
    auto executor = threads > 1 ? asio::any_io_executor(asio::make_strand(ioc))
                                : asio::any_io_executor(ioc.get_executor());
    auto [ec, socket] = co_await acceptor.async_accept(executor, kTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors: make room by closing idle connections, as at the cap. Either way,
      // back off instead of spinning.
      if (ec == asio::error::no_descriptors || ec.value() == ENFILE)
        connections.evict(ConnectionRegistry::kEvictBatch);
      asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      // Logged after the pause, once the evictions have given descriptors back (writing a log
      // line may need one).
      if (const auto now = coarse_now_ms(); now - last_warning >= 1000) {
        spdlog::warn("accept failed: {}", ec.message());
        last_warning = now;
      }
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto conn = std::make_shared<Connection>(std::move(socket));
    conn->enter(Phase::kFresh);
    if (!connections.admit(conn)) {
      conn->socket.close(ignored);
      continue;
    }
    asio::co_spawn(conn->socket.get_executor(), serve(conn), asio::detached);
  }
}

std::int64_t HttpServer::Impl::timeout_ms(Phase phase) const {
  switch (phase) {
    case Phase::kFresh:
      return options.first_byte_timeout.count();
    case Phase::kIdle:
      return options.idle_timeout.count();
    case Phase::kHeaders:
      return options.header_timeout.count();
    case Phase::kBody:
      return options.body_timeout.count();
    case Phase::kWriting:
      return options.send_timeout.count();
    case Phase::kLingering:
      return kLingerTimeout.count();
    case Phase::kHandling:
      break;
  }
  return 0;
}

// Four times a second, every connection whose phase has outlived its timeout gets expire()
// posted to its strand. One pass over a vector replaces a timer per connection and per phase.
asio::awaitable<void> HttpServer::Impl::sweep_loop() {
  std::vector<std::shared_ptr<Connection>> due;
  for (;;) {
    sweep_timer.expires_after(kSweepInterval);
    co_await sweep_timer.async_wait(kTuple);
    if (stopping && connections.size() == 0) co_return;
    connections.collect_expired(
        coarse_now_ms(), [this](Phase p) { return timeout_ms(p); }, due);
    for (auto& c : due) asio::post(c->socket.get_executor(), [this, c] { expire(*c); });
    due.clear();
  }
}

// On the connection's strand: cancels its pending read or write if its phase is (still) past
// its deadline. The coroutine sees operation_aborted with cut == kDeadline.
void HttpServer::Impl::expire(Connection& c) {
  c.expiry_posted.store(false, std::memory_order_relaxed);
  if (c.closed) return;
  const auto state = c.state.load(std::memory_order_relaxed);
  const auto timeout = timeout_ms(Connection::phase_of(state));
  if (timeout == 0 || Connection::since_of(state) + timeout > coarse_now_ms()) return;
  ++timed_out;
  c.cut = Cut::kDeadline;
  error_code ignored;
  c.socket.cancel(ignored);
}

asio::awaitable<http::Response> HttpServer::Impl::call_handler(http::Request request) {
  auto initiate = [this, &request](auto completion) {
    using Completion = decltype(completion);
    // Holds the coroutine's completion until a worker replies. Posting through a tracked
    // executor keeps the io_context alive while the request is with a worker thread; if the
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
    auto executor = asio::prefer(asio::get_associated_executor(completion, ioc.get_executor()),
                                 asio::execution::outstanding_work.tracked);
    auto pending = std::make_shared<Pending>(std::move(completion), std::move(executor));
    handler(std::move(request), [pending](http::Response response) {
      if (!pending->done) pending->finish(std::move(response));
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(http::Response)>(
      std::move(initiate), asio::use_awaitable);
}

asio::awaitable<bool> HttpServer::Impl::write(Connection& c, std::string_view request_id,
                                              http::Response response, unsigned version,
                                              bool keep_alive) {
  c.enter(Phase::kWriting);
  // The head is formatted here and sent with the body in one gathered write; Beast's
  // serializer costs more than the whole rest of a cached GET.
  const std::string head = response_head(response, request_id, version, keep_alive);
  const std::string_view body =
      response.shared_body ? std::string_view(*response.shared_body) : response.body;
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  auto [ec, bytes] = co_await asio::async_write(c.socket, buffers, kTuple);
  co_return !ec;
}

// A response whose body the handler produces over time: the head at once, then each batch the
// producer has written (one chunk per write), until it closes. While the producer is silent the
// client is watched, so one that leaves cancels the stream at once; so does a failed write (a
// deadline or shutdown cut it). `head_only` (HEAD): the head alone, the producer cancelled.
asio::awaitable<Streamed> HttpServer::Impl::write_stream(Connection& c, beast::flat_buffer& buffer,
                                                         std::string_view request_id,
                                                         http::Response response, unsigned version,
                                                         bool keep_alive, bool head_only) {
  std::string head = response_head(response, request_id, version, keep_alive);
  const std::shared_ptr<http::BodyStream> stream = std::move(response.stream);
  const bool chunked = version != 10;
  Streamed out;
  if (head_only) {
    stream->cancel();
    out.complete = co_await write_chunk(c, head, {}, false, chunked);
    co_return out;
  }
  bool head_sent = false;
  for (;;) {
    const http::BodyStream::Batch batch = stream->take();
    if (head_sent && batch.data.empty() && !batch.closed) {
      c.enter(Phase::kHandling);  // the producer has its own timeouts
      if (!co_await await_producer(c, *stream, buffer, out.overflowed)) break;
      continue;
    }
    const std::string_view prefix = head_sent ? std::string_view() : std::string_view(head);
    if (!co_await write_chunk(c, prefix, batch.data, batch.closed, chunked)) break;
    head_sent = true;
    out.bytes += batch.data.size();
    if (batch.closed) {
      out.complete = true;
      co_return out;
    }
  }
  stream->cancel();
  co_return out;
}

// One gathered write: `head` (the response head, or ""), then `data` framed as a chunk when
// `chunked`, then the last chunk when `last`. Under the send timeout.
asio::awaitable<bool> HttpServer::Impl::write_chunk(Connection& c, std::string_view head,
                                                    std::string_view data, bool last,
                                                    bool chunked) {
  c.enter(Phase::kWriting);
  const ChunkFrame frame = chunked ? chunk_frame(data.size(), last) : ChunkFrame{};
  const std::array<asio::const_buffer, 4> buffers{asio::buffer(head), asio::buffer(frame.head),
                                                  asio::buffer(data), asio::buffer(frame.tail)};
  auto [ec, bytes] = co_await asio::async_write(c.socket, buffers, kTuple);
  co_return !ec;
}

// Waits until the producer has something for take(). Meanwhile reads from the client, so one
// that closes or resets is noticed at once, as is a shutdown or eviction closing the socket;
// what it sends is kept in `buffer` for the next exchange (kPipelinedKeep at most, then
// dropped and `overflowed` set). False when the client is gone.
asio::awaitable<bool> HttpServer::Impl::await_producer(Connection& c, http::BodyStream& stream,
                                                       beast::flat_buffer& buffer,
                                                       bool& overflowed) {
  using namespace asio::experimental::awaitable_operators;
  auto wake = std::make_shared<Wake>(c.socket.get_executor());
  // Runs on the producer's thread: hop to the connection's strand.
  stream.when_ready([wake] {
    asio::post(wake->timer.get_executor(), [wake] {
      wake->ready = true;
      wake->timer.cancel();
    });
  });
  while (!wake->ready) {
    auto result = co_await (wake->timer.async_wait(kTuple) ||
                            c.socket.async_read_some(buffer.prepare(kReadSize), kTuple));
    if (result.index() == 0) continue;  // woken: `ready` is set
    auto [ec, n] = std::get<1>(result);
    if (ec) co_return false;
    if (!overflowed) buffer.commit(n);  // else the uncommitted bytes are overwritten next time
    overflowed = overflowed || buffer.size() > kPipelinedKeep;
  }
  co_return true;
}

// Waits for the next request's first bytes. False when the connection should close instead:
// the peer closed, its deadline passed, it was evicted, or the server is stopping.
asio::awaitable<bool> HttpServer::Impl::await_request(Connection& c, beast::flat_buffer& buffer) {
  if (buffer.capacity() > kIdleBufferKeep) {
    buffer.clear();
    buffer.shrink_to_fit();
  }
  if (buffer.capacity() == 0) {
    // A connection without a buffer (a new one) gets one only once it has something to say:
    // thousands of connections that never send cost no buffer memory.
    auto [ec] = co_await c.socket.async_wait(tcp::socket::wait_read, kTuple);
    if (ec) co_return false;
  }
  auto [ec, n] = co_await c.socket.async_read_some(buffer.prepare(kReadSize), kTuple);
  if (ec) co_return false;
  buffer.commit(n);
  co_return true;
}

asio::awaitable<void> HttpServer::Impl::serve(std::shared_ptr<Connection> conn) {
  Connection& c = *conn;
  const std::string remote = remote_address(c.socket);
  beast::flat_buffer buffer;
  Next next = Next::kClose;
  for (;;) {
    if (stopping) break;
    if (buffer.size() == 0 && !co_await await_request(c, buffer)) break;
    next = co_await exchange(c, buffer, remote);
    if (next != Next::kKeepAlive) break;
    c.enter(Phase::kIdle);
  }
  if (next == Next::kLinger && !stopping) co_await linger(c, buffer);
  error_code ignored;
  c.socket.shutdown(tcp::socket::shutdown_send, ignored);
  c.socket.close(ignored);
  c.closed = true;
  if (connections.withdraw(conn)) asio::post(control, [this] { grace_timer.cancel(); });
}

// After a response that ends the connection: sends FIN, then reads and drops what the client
// still sends (the rest of a refused body, pipelined requests) until it closes too, or
// kLingerTimeout / kLingerBytes run out.
asio::awaitable<void> HttpServer::Impl::linger(Connection& c, beast::flat_buffer& buffer) {
  error_code ignored;
  c.socket.shutdown(tcp::socket::shutdown_send, ignored);
  c.enter(Phase::kLingering);
  buffer.clear();
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [ec, n] = co_await c.socket.async_read_some(buffer.prepare(kReadSize), kTuple);
    if (ec) break;
    drained += n;
  }
}

// Reads one request from the connection and answers it.
asio::awaitable<Next> HttpServer::Impl::exchange(Connection& c, beast::flat_buffer& buffer,
                                                 const std::string& remote) {
  c.enter(Phase::kHeaders);
  const auto started = std::chrono::steady_clock::now();
  Parser parser;
  http::Request request;
  http::Response response;
  BodyLease lease;
  const Read read = co_await read_request(c, buffer, parser, request, response, lease);
  if (read == Read::kGone) co_return Next::kClose;
  request.remote_address = remote;
  const std::string request_id = request.request_id;
  const std::string path = request.path;
  if (read == Read::kReady) {
    c.enter(Phase::kHandling);
    response = co_await call_handler(std::move(request));
  }
  const bool header_done = parser.is_header_done();
  const unsigned version = header_done ? parser.get().version() : 11;
  const std::string_view method = header_done ? parser.get().method_string() : "";
  // A refusal leaves the connection at an unknown place in the byte stream: close it. So does
  // a streamed HTTP/1.0 response, whose end only the close can mark.
  bool keep_alive = read == Read::kReady && parser.get().keep_alive() && !stopping &&
                    !(response.stream && version == 10);
  const int status = response.status;
  std::size_t bytes = response.body_size();
  bool written = false;
  if (response.stream) {
    const bool head_only = header_done && parser.get().method() == bhttp::verb::head;
    const Streamed sent = co_await write_stream(c, buffer, request_id, std::move(response), version,
                                                keep_alive, head_only);
    written = sent.complete;
    bytes = sent.bytes;
    keep_alive = keep_alive && !sent.overflowed;
  } else {
    written = co_await write(c, request_id, std::move(response), version, keep_alive);
  }
  if (access_log) {
    const std::string logged =
        options.loggable_path ? options.loggable_path(http::parse_method(method), path) : path;
    log_access(access_log.get(), {request_id, method, logged, remote, status, bytes, started});
  }
  if (!written) co_return Next::kClose;
  co_return keep_alive ? Next::kKeepAlive : Next::kLinger;
}

// Reads a request's headers, then its body unless it is refused. kReady: `request` is complete;
// kRefused: `refusal` is the answer (a 4xx or 503); kGone: close without an answer.
asio::awaitable<Read> HttpServer::Impl::read_request(Connection& c, beast::flat_buffer& buffer,
                                                     Parser& parser, http::Request& request,
                                                     http::Response& refusal, BodyLease& lease) {
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(boost::none);  // the route's limit applies once the headers are in
  auto [ec, n] = co_await bhttp::async_read_header(c.socket, buffer, parser, kTuple);
  if (ec) {
    auto rejected = reject_unreadable(ec, c.cut);
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
  if (!parser.is_done()) {
    if (auto rejected = co_await read_body(c, buffer, parser, request, lease)) {
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
asio::awaitable<std::optional<http::Response>> HttpServer::Impl::read_body(
    Connection& c, beast::flat_buffer& buffer, Parser& parser, const http::Request& request,
    BodyLease& lease) {
  const std::size_t limit = options.route_body_limit
                                ? options.route_body_limit(request.method, request.path)
                                : options.body_limit;
  const auto length = parser.content_length();
  if (length && *length > limit) co_return payload_too_large(limit);
  const std::size_t need = length ? static_cast<std::size_t>(*length) : limit;
  if (!body_memory.take(need)) co_return server_busy();
  lease = BodyLease(body_memory, need);
  parser.body_limit(limit);
  c.enter(Phase::kBody);
  if (parser.get()[bhttp::field::expect] == "100-continue") {
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
    auto [wec, wn] = co_await bhttp::async_write(c.socket, go_on, kTuple);
    if (wec) co_return std::nullopt;
  }
  auto [ec, n] = co_await bhttp::async_read(c.socket, buffer, parser, kTuple);
  if (!ec) co_return std::nullopt;
  if (ec == bhttp::error::body_limit) co_return payload_too_large(limit);
  co_return reject_unreadable(ec, c.cut);
}

}  // namespace sb::net
