// One open WebSocket, over plain TCP or TLS: the only translation unit that instantiates
// Beast's WebSocket stream (both instantiations are here, so the template is compiled once).
//
// Everything but send/close/stats runs on the socket's strand (the stream's executor). Three
// coroutines may run at once: the reader (always, once open), the writer (while there is
// something to write, then the close frame), and the keep-alive loop. Three timers, each armed
// per episode rather than per frame: the keep-alive (ping, then pong deadline), the throttle
// (waiting for the inbound budget to refill) and the closing deadline. Beast's own timeouts
// are used only for the opening handshake; after it they are off and these timers rule.
//
// How a socket ends: finish() runs on_close, once, from whichever comes first: the reader
// failing or seeing the peer's close, our closing handshake completing (write_loop), a write
// failing, or the closing deadline (a watchdog: it also cuts the TCP connection, so nothing
// waits on a silent peer). What on_close reports is the first "fate" decided locally: a
// close(), a limit (slow consumer, flood), a dead peer; otherwise the peer's close frame;
// otherwise the error that ended the reader.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/websocket_impl.hpp"

namespace sb::net::ws_detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bws = beast::websocket;
namespace bhttp = beast::http;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// The server's handshake is only the 101 to write: the request was read by the HTTP server.
constexpr std::chrono::seconds kAcceptTimeout{10};
// The flood allowance (WebSocketLimits::flood_grace) is counted over windows this long.
constexpr std::chrono::seconds kFloodWindow{60};
// RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the code.
constexpr std::size_t kMaxCloseReason = 123;

std::string describe(const error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return "timeout";
  if (ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::ssl::error::stream_truncated)
    return "connection closed";
  return ec.message();
}

bws::close_reason make_reason(std::uint16_t code, const std::string& reason) {
  std::size_t n = std::min(reason.size(), kMaxCloseReason);
  while (n > 0 && n < reason.size() && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80)
    --n;  // not in the middle of a UTF-8 sequence
  bws::close_reason r(std::string_view(reason).substr(0, n));
  r.code = code;
  return r;
}

struct Fate {
  std::uint16_t code;
  std::string reason;
};

template <class Next>
class SessionImpl final : public Session, public std::enable_shared_from_this<SessionImpl<Next>> {
 public:
  SessionImpl(Next next, WebSocketLimits limits)
      : ws_(std::move(next)),
        limits_(limits),
        ping_timer_(ws_.get_executor()),
        throttle_timer_(ws_.get_executor()),
        close_timer_(ws_.get_executor()) {
    ws_.read_message_max(limits_.max_message_bytes);
    ws_.control_callback([this](bws::frame_type kind, std::string_view) { on_control(kind); });
  }

  void start_server(std::string handshake, MakeHandler make_handler) {
    asio::co_spawn(
        ws_.get_executor(),
        run_server(this->shared_from_this(), std::move(handshake), std::move(make_handler)),
        asio::detached);
  }

  void start_client(ClientStart start) {
    asio::co_spawn(ws_.get_executor(), run_client(this->shared_from_this(), std::move(start)),
                   asio::detached);
  }

  // WebSocket

  bool send_text(std::string message) override { return send(std::move(message), false); }
  bool send_binary(std::string message) override { return send(std::move(message), true); }

  void close(CloseCode code, std::string reason) override {
    if (close_with(Fate{static_cast<std::uint16_t>(code), std::move(reason)}))
      asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->begin_close(); });
  }

  std::size_t queued_bytes() const override { return queued_.load(std::memory_order_relaxed); }

  WebSocketStats stats() const override {
    WebSocketStats s;
    s.messages_in = messages_in_.load(std::memory_order_relaxed);
    s.messages_out = messages_out_.load(std::memory_order_relaxed);
    s.bytes_in = bytes_in_.load(std::memory_order_relaxed);
    s.bytes_out = bytes_out_.load(std::memory_order_relaxed);
    s.queued_bytes = queued_bytes();
    s.throttled_ms = throttled_ms_.load(std::memory_order_relaxed);
    return s;
  }

  // Session

  void abort(std::string why) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), why = std::move(why)] {
      if (self->open_) {
        self->close(CloseCode::kGoingAway, why);
      } else if (!self->cut_) {
        self->cut_ = why;
        self->drop();
      }
    });
  }

 private:
  struct Outgoing {
    std::string data;
    bool binary = false;
  };

  using Self = std::shared_ptr<SessionImpl>;

  asio::awaitable<void> run_server(Self self, std::string handshake, MakeHandler make_handler);
  asio::awaitable<void> run_client(Self self, ClientStart start);
  void opened();
  asio::awaitable<void> read_loop(Self self);
  asio::awaitable<void> throttle();
  asio::awaitable<void> write_loop(Self self);
  void spawn_writer();
  asio::awaitable<void> keepalive_loop(Self self);
  bool send(std::string message, bool binary);
  bool close_with(Fate fate);
  void begin_close();
  void on_control(bws::frame_type kind);
  void deliver(std::string message, bool text);
  Fate outcome(const error_code& ec);
  void drop();
  void finish(Fate fate);

  bool locally_closing() {
    std::lock_guard lock(mutex_);
    return fate_.has_value();
  }

  bws::stream<Next> ws_;
  const WebSocketLimits limits_;
  asio::steady_timer ping_timer_;
  asio::steady_timer throttle_timer_;
  asio::steady_timer close_timer_;

  // Shared with send()/close() on any thread: guarded by mutex_.
  std::mutex mutex_;
  std::deque<Outgoing> queue_;
  bool closing_ = false;      // no more sends: a close began (either side) or it is over
  bool writing_ = false;      // a write_loop runs
  bool close_sent_ = false;   // our close frame was handed to Beast
  bool peer_closed_ = false;  // the peer's close frame arrived (Beast answers it itself)
  std::optional<Fate> fate_;  // set by the first local decision to close
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::uint64_t> messages_in_{0}, messages_out_{0}, bytes_in_{0}, bytes_out_{0};
  std::atomic<std::uint64_t> throttled_ms_{0};

  // Strand only.
  std::shared_ptr<WebSocketHandler> handler_;
  std::function<void()> on_finished_;
  std::optional<std::string> cut_;  // why the client handshake was cut
  bool open_ = false;
  bool dropped_ = false;
  bool finished_ = false;
  bool close_armed_ = false;
  bool ping_in_flight_ = false;
  bool ping_outstanding_ = false;  // a ping went out and nothing has arrived since
  bool throttled_ = false;
  SteadyClock::time_point last_rx_, ping_at_, refilled_at_, window_start_;
  double tokens_ = 0;
  milliseconds over_budget_{0};  // within the current flood window
};

template <class Next>
asio::awaitable<void> SessionImpl<Next>::run_server(Self self, std::string handshake,
                                                    MakeHandler make_handler) {
  ws_.set_option(bws::stream_base::timeout{kAcceptTimeout, bws::stream_base::none(), false});
  ws_.set_option(bws::stream_base::decorator(
      [](bws::response_type& res) { res.set(bhttp::field::server, "Switchboard"); }));
  auto [ec] = co_await ws_.async_accept(asio::buffer(handshake), kTuple);
  if (ec) {
    drop();
    co_return;
  }
  opened();
  try {
    handler_ = make_handler(self);
  } catch (const std::exception& e) {
    spdlog::error("websocket: making the handler threw: {}", e.what());
  }
  if (!handler_) close(CloseCode::kInternal, "no handler");
  asio::co_spawn(ws_.get_executor(), read_loop(self), asio::detached);
}

template <class Next>
asio::awaitable<void> SessionImpl<Next>::run_client(Self self, ClientStart start) {
  ws_.set_option(
      bws::stream_base::timeout{start.handshake_timeout, bws::stream_base::none(), false});
  ws_.set_option(bws::stream_base::decorator([headers = start.headers](bws::request_type& req) {
    req.set(bhttp::field::user_agent, "Switchboard");
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  on_finished_ = std::move(start.on_finished);
  bws::response_type response;
  auto [ec] = co_await ws_.async_handshake(response, start.host_header, start.target, kTuple);
  if (ec || cut_) {
    std::string error = cut_ ? *cut_
                        : ec == bws::error::upgrade_declined
                            ? "handshake: " + std::to_string(response.result_int())
                            : describe(ec);
    drop();
    finished_ = true;  // no sends: nobody has the socket; no on_close: it never opened
    try {
      start.done(nullptr, std::move(error));
    } catch (const std::exception& e) {
      spdlog::error("websocket: a connect callback threw: {}", e.what());
    }
    if (auto f = std::move(on_finished_)) f();
    co_return;
  }
  opened();
  handler_ = std::move(start.handler);
  try {
    start.done(self, "");
  } catch (const std::exception& e) {
    spdlog::error("websocket: a connect callback threw: {}", e.what());
    close(CloseCode::kInternal, "internal error");
  }
  asio::co_spawn(ws_.get_executor(), read_loop(self), asio::detached);
}

// After the opening handshake: Beast's timeouts off (ours rule from now on), the budget full,
// the keep-alive started.
template <class Next>
void SessionImpl<Next>::opened() {
  ws_.set_option(
      bws::stream_base::timeout{bws::stream_base::none(), bws::stream_base::none(), false});
  open_ = true;
  const auto now = SteadyClock::now();
  last_rx_ = refilled_at_ = window_start_ = now;
  tokens_ = static_cast<double>(limits_.inbound_burst_bytes);
  if (limits_.ping_interval.count() > 0)
    asio::co_spawn(ws_.get_executor(), keepalive_loop(this->shared_from_this()), asio::detached);
}

template <class Next>
asio::awaitable<void> SessionImpl<Next>::read_loop([[maybe_unused]] Self self) {
  beast::flat_buffer buffer;
  error_code ec;
  for (;;) {
    co_await throttle();
    // Once we close, the closing handshake (write_loop's async_close) reads what is left:
    // Beast mishandles a close frame that arrives with data while both a read and a close
    // are pending (boostorg/beast#2999), so the two never wait at once.
    if (locally_closing()) co_return;
    auto [rec, n] = co_await ws_.async_read(buffer, kTuple);
    if (rec) {
      ec = rec;
      break;
    }
    last_rx_ = SteadyClock::now();
    ping_outstanding_ = false;
    messages_in_.fetch_add(1, std::memory_order_relaxed);
    bytes_in_.fetch_add(n, std::memory_order_relaxed);
    tokens_ -= static_cast<double>(n);
    std::string message = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (buffer.capacity() > 64 * 1024) buffer.shrink_to_fit();
    deliver(std::move(message), ws_.got_text());
  }
  finish(outcome(ec));
}

// Before each read: while the inbound budget is spent, waits for it to refill (not reading,
// so TCP pushes back on the peer). Over budget for longer than flood_grace within a window,
// the socket is closed as a flood. Not while closing: the close frame must be read.
template <class Next>
asio::awaitable<void> SessionImpl<Next>::throttle() {
  const auto rate = static_cast<double>(limits_.inbound_bytes_per_second);
  if (rate <= 0) co_return;
  const auto burst = static_cast<double>(limits_.inbound_burst_bytes);
  auto now = SteadyClock::now();
  const auto refill = [&] {
    const std::chrono::duration<double> elapsed = now - refilled_at_;
    tokens_ = std::min(burst, tokens_ + rate * elapsed.count());
    refilled_at_ = now;
  };
  refill();
  if (tokens_ >= 0 || dropped_ || locally_closing()) co_return;
  if (now - window_start_ > kFloodWindow) {
    window_start_ = now;
    over_budget_ = milliseconds{0};
  }
  const milliseconds need{static_cast<std::int64_t>(std::ceil(-tokens_ * 1000 / rate))};
  const milliseconds grace_left = std::max(milliseconds{0}, limits_.flood_grace - over_budget_);
  const bool flood = need > grace_left;
  const milliseconds wait = flood ? grace_left : need;
  throttled_ = true;
  throttle_timer_.expires_after(wait);
  co_await throttle_timer_.async_wait(kTuple);
  throttled_ = false;
  now = SteadyClock::now();
  const auto waited = std::chrono::duration_cast<milliseconds>(now - refilled_at_);
  over_budget_ += waited;
  throttled_ms_.fetch_add(static_cast<std::uint64_t>(waited.count()), std::memory_order_relaxed);
  refill();
  if (flood && !dropped_) close(CloseCode::kPolicy, "flood");
}

template <class Next>
void SessionImpl<Next>::deliver(std::string message, bool text) {
  if (!handler_ || finished_ || locally_closing()) return;  // after close(): dropped
  try {
    if (text) {
      handler_->on_text(std::move(message));
    } else {
      handler_->on_binary(std::move(message));
    }
  } catch (const std::exception& e) {
    spdlog::error("websocket: a message handler threw: {}", e.what());
    close(CloseCode::kInternal, "internal error");
  }
}

template <class Next>
bool SessionImpl<Next>::send(std::string message, bool binary) {
  const std::size_t size = message.size();
  bool start_writer = false;
  bool queued = false;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return false;
    if (queued_.load(std::memory_order_relaxed) + size <= limits_.max_queued_bytes) {
      queued = true;
      queue_.push_back(Outgoing{std::move(message), binary});
      queued_.fetch_add(size, std::memory_order_relaxed);
      start_writer = !writing_;
      writing_ = true;
    }
  }
  if (start_writer) spawn_writer();
  if (queued) return true;
  // Overflow: the close frame waits behind what the peer does not read; the closing deadline
  // cuts the connection if it never gets out.
  close(CloseCode::kPolicy, "slow consumer");
  return false;
}

// Records the first local decision to close and stops sends. False when a close had begun
// already (the first fate stands).
template <class Next>
bool SessionImpl<Next>::close_with(Fate fate) {
  std::lock_guard lock(mutex_);
  if (fate_ || peer_closed_ || dropped_) return false;
  closing_ = true;
  fate_ = std::move(fate);
  return true;
}

// On the strand, after close_with(): the closing deadline starts, and the writer sends the
// close frame once the queue is empty.
template <class Next>
void SessionImpl<Next>::begin_close() {
  if (finished_) return;
  if (!close_armed_) {
    close_armed_ = true;
    close_timer_.expires_after(limits_.close_timeout);
    // The watchdog: whatever is pending then is cut, and on_close runs even if an operation
    // never completes.
    close_timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
      if (!ec) self->finish(self->outcome(beast::error::timeout));
    });
  }
  {
    std::lock_guard lock(mutex_);
    if (writing_ || close_sent_) return;
    writing_ = true;
  }
  spawn_writer();
}

// Not under mutex_: co_spawn dispatches, so on the strand the writer starts inline.
template <class Next>
void SessionImpl<Next>::spawn_writer() {
  asio::co_spawn(ws_.get_executor(), write_loop(this->shared_from_this()), asio::detached);
}

// Writes the queue in order, then (when closing) the close frame; ends when both are done.
template <class Next>
asio::awaitable<void> SessionImpl<Next>::write_loop([[maybe_unused]] Self self) {
  for (;;) {
    Outgoing out;
    std::optional<bws::close_reason> close_frame;
    {
      std::lock_guard lock(mutex_);
      if (dropped_) {
        writing_ = false;
        co_return;
      }
      if (queue_.empty()) {
        if (!fate_ || close_sent_ || peer_closed_) {
          writing_ = false;
          co_return;
        }
        close_sent_ = true;
        close_frame = make_reason(fate_->code, fate_->reason);
      } else {
        out = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (close_frame) {
      // Writes the frame, reads (and drops) messages until the peer's close frame, then
      // closes the connection.
      auto [ec] = co_await ws_.async_close(*close_frame, kTuple);
      finish(outcome(ec));
      co_return;
    }
    ws_.binary(out.binary);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(out.data), kTuple);
    queued_.fetch_sub(out.data.size(), std::memory_order_relaxed);
    if (ec) {
      close_with(Fate{static_cast<std::uint16_t>(CloseCode::kInternal), describe(ec)});
      finish(outcome(ec));  // the reader may have stopped already (a close began)
      co_return;
    }
    messages_out_.fetch_add(1, std::memory_order_relaxed);
    bytes_out_.fetch_add(n, std::memory_order_relaxed);
  }
}

// Pings after ping_interval of silence; drops the connection when nothing at all arrives
// within pong_timeout of a ping. A throttled socket counts as alive: it is the reader that
// stopped, not the peer.
template <class Next>
asio::awaitable<void> SessionImpl<Next>::keepalive_loop(Self self) {
  while (!dropped_ && !finished_) {
    const auto now = SteadyClock::now();
    SteadyClock::time_point wake;
    if (throttled_) last_rx_ = now;
    if (ping_outstanding_ && last_rx_ < ping_at_) {
      wake = ping_at_ + limits_.pong_timeout;
      if (now >= wake) {
        close_with(Fate{static_cast<std::uint16_t>(CloseCode::kInternal), "ping timeout"});
        drop();
        break;
      }
    } else {
      ping_outstanding_ = false;
      wake = last_rx_ + limits_.ping_interval;
      if (now >= wake) {
        if (!ping_in_flight_ && !locally_closing()) {
          ping_in_flight_ = true;
          ws_.async_ping({}, [self](const error_code&) { self->ping_in_flight_ = false; });
        }
        ping_outstanding_ = true;
        ping_at_ = now;
        continue;
      }
    }
    ping_timer_.expires_at(wake);
    auto [ec] = co_await ping_timer_.async_wait(kTuple);
    if (ec) break;
  }
}

// Inside a read, on the strand: any control frame shows the peer alive; its close frame stops
// sends and starts the closing deadline (Beast answers it and ends the read).
template <class Next>
void SessionImpl<Next>::on_control(bws::frame_type kind) {
  last_rx_ = SteadyClock::now();
  if (kind != bws::frame_type::close) return;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    peer_closed_ = true;
  }
  begin_close();
}

// What on_close reports once the reader has ended with `ec`.
template <class Next>
Fate SessionImpl<Next>::outcome(const error_code& ec) {
  std::lock_guard lock(mutex_);
  if (!fate_ && (ec == bws::error::closed || peer_closed_)) {
    const auto& r = ws_.reason();
    const std::uint16_t code = r.code == bws::close_code::none ? 1005 : r.code;
    return Fate{code, std::string(r.reason.data(), r.reason.size())};
  }
  if (fate_) return *fate_;
  if (ec == bws::error::message_too_big)
    return Fate{static_cast<std::uint16_t>(CloseCode::kTooBig), "message too big"};
  return Fate{static_cast<std::uint16_t>(CloseCode::kInternal), describe(ec)};
}

// Cuts the TCP connection: every pending operation ends with an error.
template <class Next>
void SessionImpl<Next>::drop() {
  if (dropped_) return;
  {
    std::lock_guard lock(mutex_);
    dropped_ = true;
    closing_ = true;
  }
  error_code ignored;
  beast::get_lowest_layer(ws_).close(ignored);
  ping_timer_.cancel();
  throttle_timer_.cancel();
  close_timer_.cancel();
}

template <class Next>
void SessionImpl<Next>::finish(Fate fate) {
  if (finished_) return;
  drop();
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    queue_.clear();
  }
  if (auto handler = std::move(handler_)) {
    try {
      handler->on_close(fate.code, std::move(fate.reason));
    } catch (const std::exception& e) {
      spdlog::error("websocket: on_close threw: {}", e.what());
    }
  }
  if (auto f = std::move(on_finished_)) f();
}

}  // namespace

void start_server_session(TcpSocket socket, std::string handshake, WebSocketLimits limits,
                          MakeHandler make_handler) {
  auto session = std::make_shared<SessionImpl<TcpSocket>>(std::move(socket), limits);
  session->start_server(std::move(handshake), std::move(make_handler));
}

std::shared_ptr<Session> start_client_session(TcpSocket socket, ClientStart start) {
  auto session = std::make_shared<SessionImpl<TcpSocket>>(std::move(socket), start.limits);
  session->start_client(std::move(start));
  return session;
}

std::shared_ptr<Session> start_client_session(TlsStream stream, ClientStart start) {
  auto session = std::make_shared<SessionImpl<TlsStream>>(std::move(stream), start.limits);
  session->start_client(std::move(start));
  return session;
}

}  // namespace sb::net::ws_detail
