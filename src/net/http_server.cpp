#include "net/http_server.hpp"

#include <sched.h>

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "core/api_error.hpp"
#include "http/error_response.hpp"
#include "net/access_log.hpp"
#include "net/wire_format.hpp"

namespace sb::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// One connection's state that the shutdown path may touch. Only read or written on the
// connection's own executor (strand), except through posted functions.
struct Connection {
  beast::tcp_stream* stream = nullptr;
  bool busy = false;    // a request is being read, handled or answered
  bool closed = false;  // the stream is gone; posted functions must not touch it
};

std::string remote_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("-") : endpoint.address().to_string();
}

// What a request that could not be read deserves: a 4xx for a malformed or oversized one, or
// nothing (nullopt) when the peer went away or was too slow.
std::optional<http::Response> reject_unreadable(const boost::system::error_code& ec) {
  if (ec == bhttp::error::body_limit)
    return http::error_response(ApiError(ErrorCode::kPayloadTooLarge, "Request body is too large"));
  if (ec == bhttp::error::header_limit) {
    auto r = http::error_response(ApiError::bad_request("Request headers are too large"));
    r.status = 431;
    return r;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    return http::error_response(ApiError::bad_request("Malformed HTTP request"));
  return std::nullopt;
}

http::Request make_request(bhttp::request<bhttp::string_body>& raw) {
  http::Request r;
  r.method = http::parse_method(raw.method_string());
  r.target = raw.target();
  r.content_type = raw[bhttp::field::content_type];
  r.authorization = raw[bhttp::field::authorization];
  r.request_id = request_id_for(raw["X-Request-Id"]);
  r.body = std::move(raw.body());
  return r;
}

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
        grace_timer(ioc) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(tcp::socket socket);
  asio::awaitable<http::Response> call_handler(http::Request request);
  asio::awaitable<bool> write(beast::tcp_stream& stream, std::string_view request_id,
                              http::Response response, unsigned version, bool keep_alive);
  void begin_shutdown();
  void close_connections(bool idle_only);
  bool enroll(const std::shared_ptr<Connection>& c);
  void withdraw(const std::shared_ptr<Connection>& c);

  ServerOptions options;
  RequestHandler handler;
  std::shared_ptr<spdlog::logger> access_log;
  unsigned threads;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer grace_timer;
  std::atomic<bool> stopping{false};
  std::mutex connections_mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;
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
  im.signals.async_wait([&im](const boost::system::error_code& ec, int) {
    if (!ec) im.begin_shutdown();
  });
  asio::co_spawn(im.ioc, im.accept_loop(), asio::detached);
  std::vector<std::thread> extra;
  for (unsigned i = 1; i < im.threads; ++i) extra.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : extra) t.join();
}

void HttpServer::shutdown() {
  asio::post(impl_->ioc, [im = impl_.get()] { im->begin_shutdown(); });
}

void HttpServer::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  close_connections(/*idle_only=*/true);
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) close_connections(/*idle_only=*/false);
  });
  std::lock_guard lock(connections_mutex);
  if (connections.empty()) grace_timer.cancel();
}

void HttpServer::Impl::close_connections(bool idle_only) {
  std::lock_guard lock(connections_mutex);
  for (const auto& c : connections) {
    asio::post(c->stream->get_executor(), [c, idle_only] {
      if (c->closed || (idle_only && c->busy)) return;
      boost::system::error_code ignored;
      c->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      c->stream->socket().close(ignored);
    });
  }
}

bool HttpServer::Impl::enroll(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(connections_mutex);
  if (stopping) return false;
  connections.insert(c);
  return true;
}

void HttpServer::Impl::withdraw(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(connections_mutex);
  connections.erase(c);
  if (stopping && connections.empty()) grace_timer.cancel();
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  while (!stopping) {
    auto executor = threads > 1 ? asio::any_io_executor(asio::make_strand(ioc))
                                : asio::any_io_executor(ioc.get_executor());
    auto [ec, socket] = co_await acceptor.async_accept(executor, kTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors or a transient network error: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto socket_executor = socket.get_executor();
    asio::co_spawn(socket_executor, serve(std::move(socket)), asio::detached);
  }
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

asio::awaitable<bool> HttpServer::Impl::write(beast::tcp_stream& stream,
                                              std::string_view request_id, http::Response response,
                                              unsigned version, bool keep_alive) {
  // The head is formatted here and sent with the body in one gathered write; Beast's
  // serializer costs more than the whole rest of a cached GET.
  const std::string head = response_head(response, request_id, version, keep_alive);
  const std::string_view body =
      response.shared_body ? std::string_view(*response.shared_body) : response.body;
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  auto [ec, bytes] = co_await asio::async_write(stream, buffers, kTuple);
  co_return !ec;
}

asio::awaitable<void> HttpServer::Impl::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto conn = std::make_shared<Connection>();
  conn->stream = &stream;
  if (!enroll(conn)) co_return;
  const std::string remote = remote_address(stream.socket());
  beast::flat_buffer buffer;
  for (;;) {
    conn->busy = false;
    if (stopping) break;
    // Idle keep-alive wait: nothing is owed until the next request's first byte arrives.
    if (buffer.size() == 0) {
      stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) break;
      buffer.commit(n);
    }
    conn->busy = true;
    const auto started = std::chrono::steady_clock::now();
    stream.expires_after(options.request_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    parser.body_limit(options.body_limit);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (!hec && !parser.is_done()) {
      if (parser.get()[bhttp::field::expect] == "100-continue") {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
        co_await bhttp::async_write(stream, go_on, kTuple);
      }
      std::tie(hec, hn) = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    }
    http::Response response;
    bool keep_alive = false;
    std::string request_id, method, path;
    if (hec) {
      auto rejected = reject_unreadable(hec);
      if (!rejected) break;  // timeout, reset or EOF: nothing sensible to answer
      request_id = request_id_for({});
      response = std::move(*rejected);
    } else {
      auto request = make_request(parser.get());
      keep_alive = parser.get().keep_alive();
      request_id = request.request_id;
      method = parser.get().method_string();
      if (!parse_target(request.target, request)) {
        path = request.target;
        response = http::error_response(ApiError::bad_request("Malformed request target"));
        keep_alive = false;
      } else {
        path = request.path;
        response = co_await call_handler(std::move(request));
      }
    }
    keep_alive = keep_alive && !stopping;
    const int status = response.status;
    const std::size_t bytes = response.body_size();
    const bool written =
        co_await write(stream, request_id, std::move(response), parser.get().version(), keep_alive);
    log_access(access_log.get(), {request_id, method, path, remote, status, bytes, started});
    if (!written || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn->closed = true;
  withdraw(conn);
}

}  // namespace sb::net
