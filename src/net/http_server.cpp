// The server's lifecycle: listen, run, shutdown, the accept loop and the deadline sweep. A
// connection's exchanges are in http_session.cpp.
#include <csignal>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "net/http_server_impl.hpp"
#include "net/io_threads.hpp"

#include <spdlog/spdlog.h>

namespace sb::net {

namespace {

// Deadlines are checked this often: a connection is cut at most this late.
constexpr auto kSweepInterval = std::chrono::milliseconds(250);

}  // namespace

ServerCore::ServerCore(ServerOptions o, RequestHandler h, std::shared_ptr<spdlog::logger> log,
                       IoThreads& io)
    : options(std::move(o)),
      handler(std::move(h)),
      access_log(std::move(log)),
      ioc(io.context()),
      threads(io.size()),
      acceptor(ioc),
      signals(ioc, SIGINT, SIGTERM),
      control(ioc.get_executor()),
      grace_timer(control),
      sweep_timer(control),
      body_memory(options.body_memory_limit),
      connections(options.max_connections) {
  // sendfile() has no MSG_NOSIGNAL: a client gone mid-body must fail the write, not kill the
  // process.
  ::signal(SIGPIPE, SIG_IGN);
}

HttpServer::HttpServer(ServerOptions options, RequestHandler handler,
                       std::shared_ptr<spdlog::logger> access_log, IoThreads& io)
    : impl_(std::make_unique<ServerCore>(std::move(options), std::move(handler),
                                         std::move(access_log), io)) {}

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
  // Started on the strand, so a shutdown() that came first is seen and nothing races the
  // signal set.
  asio::post(im.control, [&im] {
    if (!im.stopping)
      im.signals.async_wait([&im](const error_code& ec, int) {
        if (!ec) asio::post(im.control, [&im] { im.begin_shutdown(); });
      });
    im.loops_running = 2;
    const auto ended = [&im](std::exception_ptr e) { im.loop_ended(e); };
    asio::co_spawn(im.control, im.accept_loop(), ended);
    asio::co_spawn(im.control, im.sweep_loop(), ended);
  });
  std::unique_lock lock(im.ended_mutex);
  im.ended_cv.wait(lock, [&im] { return im.ended; });
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

// On `control`. The last of the two loops to end is the server's last step on the context:
// run() may return, and the ServerCore go, as soon as `ended` is set.
void ServerCore::loop_ended(const std::exception_ptr& failure) {
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      spdlog::error("http server: {}", e.what());
    }
  }
  if (--loops_running > 0) return;
  std::lock_guard lock(ended_mutex);
  ended = true;
  ended_cv.notify_all();
}

void ServerCore::begin_shutdown() {
  if (stopping.exchange(true)) return;
  error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](const error_code& ec) {
    if (!ec) connections.close_all(/*idle_only=*/false);  // in-flight requests are abandoned
  });
  if (connections.close_all(/*idle_only=*/true)) {
    grace_timer.cancel();
    sweep_timer.cancel();  // nothing left to wait for
  }
}

void ServerCore::withdraw(const std::shared_ptr<Connection>& conn) {
  if (!connections.withdraw(conn)) return;
  // The last connection of a stopping server: end the grace period and the sweep now.
  asio::post(control, [this] {
    grace_timer.cancel();
    sweep_timer.cancel();
  });
}

asio::awaitable<void> ServerCore::accept_loop() {
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
      asio::steady_timer pause(control, std::chrono::milliseconds(50));
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

std::int64_t ServerCore::timeout_ms(Phase phase) const {
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
// Ends once the server is stopping and its last connection has gone.
asio::awaitable<void> ServerCore::sweep_loop() {
  std::vector<std::shared_ptr<Connection>> due;
  for (;;) {
    if (stopping && connections.size() == 0) co_return;
    sweep_timer.expires_after(kSweepInterval);
    co_await sweep_timer.async_wait(kTuple);
    connections.collect_expired(
        coarse_now_ms(), [this](Phase p) { return timeout_ms(p); }, due);
    for (auto& c : due)
      asio::post(c->socket.get_executor(), [this, c] {
        c->expiry_posted.store(false, std::memory_order_relaxed);
        // A closed connection may have been the server's last: `this` may be gone.
        if (!c->closed) expire(*c);
      });
    due.clear();
  }
}

// On the connection's strand: cancels its pending read or write if its phase is (still) past
// its deadline. The coroutine sees operation_aborted with cut == kDeadline.
void ServerCore::expire(Connection& c) {
  const auto state = c.state.load(std::memory_order_relaxed);
  const auto timeout = timeout_ms(Connection::phase_of(state));
  if (timeout == 0 || Connection::since_of(state) + timeout > coarse_now_ms()) return;
  ++timed_out;
  c.cut = Cut::kDeadline;
  error_code ignored;
  c.socket.cancel(ignored);
}

}  // namespace sb::net
