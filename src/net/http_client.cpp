#include "net/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "core/codec.hpp"
#include "net/io_threads.hpp"
#include "net/outbound_connect.hpp"
#include "net/outbound_pool.hpp"
#include "net/outbound_target.hpp"

namespace sb::net {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

using Clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;
using Message = bhttp::request<bhttp::string_body>;

// Idle keep-alive connections kept per scheme+host+port; more are closed, oldest first.
constexpr std::size_t kMaxIdlePerHost = 32;
// An idle connection older than this is closed rather than reused: servers commonly drop idle
// keep-alive connections after 60 s or more, so reusing one this young rarely races a close.
constexpr auto kIdleExpiry = std::chrono::seconds(30);
constexpr auto kSweepInterval = std::chrono::seconds(5);
constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

// string_body without its up-front reserve: a streamed body's Content-Length says nothing about
// what is held at once (on_body takes each piece away), so a huge one must not be allocated.
struct PieceBody {
  using value_type = std::string;
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(bhttp::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>&, error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
      const std::size_t before = body_.size();
      for (const auto b : beast::buffers_range_ref(buffers))
        body_.append(static_cast<const char*>(b.data()), b.size());
      ec = {};
      return body_.size() - before;
    }
    void finish(error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

// One send(): its strand serialises the coroutine with the deadline and stop(), which cut it
// short by closing what it waits on.
struct Exchange : std::enable_shared_from_this<Exchange> {
  Exchange(asio::io_context& ioc, OutboundRequest r, std::function<void(OutboundResponse)> d)
      : strand(asio::make_strand(ioc)),
        deadline(strand),
        request(std::move(r)),
        done(std::move(d)),
        started(Clock::now()) {}

  // (Re)starts the deadline: at `when` the pending step is interrupted with "timeout". A wait
  // that fired just before a re-arm finds the new expiry still ahead and does nothing.
  void arm(Clock::time_point when) {
    deadline.expires_at(when);
    deadline.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec && self->deadline.expiry() <= Clock::now()) self->interrupt("timeout");
    });
  }

  // On the strand: the pending step fails, and every later one is skipped.
  void interrupt(const char* why) {
    if (finished || cut) return;
    cut = why;
    if (resolver) resolver->cancel();
    if (conn) conn->close();
  }

  Strand strand;
  asio::steady_timer deadline;
  std::optional<tcp::resolver> resolver;
  OutboundRequest request;
  std::function<void(OutboundResponse)> done;
  Clock::time_point started;
  std::unique_ptr<OutboundConnection> conn;
  const char* cut = nullptr;  // "timeout", "cancelled" or "stopped" once interrupted
  bool finished = false;
};

// How one request/response on one connection went.
struct Outcome {
  std::string error;
  bool unanswered = false;  // failed before any byte of a response arrived
  bool keep_alive = false;
};

std::string describe(const error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::timed_out) return "timeout";
  if (ec == bhttp::error::body_limit) return "response too large";
  if (ec == bhttp::error::header_limit) return "response headers too large";
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == asio::error::eof)
    return "connection closed";
  if (ec == asio::error::connection_reset) return "connection reset";
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == ssl::error::get_stream_category())
    return "tls: " + ec.message();
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category())
    return "bad response: " + ec.message();
  return ec.message();
}

std::string describe_tls(ssl::stream<tcp::socket>& stream, const error_code& ec) {
  if (auto failure = verify_failure(stream.native_handle()); !failure.empty()) return failure;
  std::string reason = describe(ec);
  return reason.starts_with("tls: ") ? reason : "tls: " + reason;
}

Message build_message(OutboundRequest& r, const OutboundTarget& t) {
  Message m;
  const auto verb = bhttp::string_to_verb(r.method);
  if (verb == bhttp::verb::unknown) {
    m.method_string(r.method);
  } else {
    m.method(verb);
  }
  m.target(t.target);
  m.version(11);
  m.set(bhttp::field::host, t.host_header);
  m.set(bhttp::field::user_agent, "Switchboard");
  bool has_authorization = false;
  for (const auto& [name, value] : r.headers) {
    if (is_framing_header(name)) continue;
    if (beast::iequals(name, "host") || beast::iequals(name, "user-agent")) {
      m.set(name, value);  // the caller's replaces the default
    } else {
      m.insert(name, value);
    }
    has_authorization = has_authorization || beast::iequals(name, "authorization");
  }
  if (!t.userinfo.empty() && !has_authorization)
    m.set(bhttp::field::authorization, "Basic " + base64_encode(t.userinfo));
  m.body() = std::move(r.body);
  m.keep_alive(true);
  m.prepare_payload();
  return m;
}

template <class Fields>
void copy_head(const bhttp::header<false, Fields>& response, OutboundResponse& out) {
  out.status = static_cast<int>(response.result_int());
  for (const auto& field : response)
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
}

}  // namespace

std::string_view OutboundResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (beast::iequals(n, name)) return v;
  return {};
}

struct HttpClient::Impl {
  explicit Impl(const HttpClientOptions& options);

  asio::awaitable<void> run(std::shared_ptr<Exchange> x);
  asio::awaitable<OutboundResponse> exchange(Exchange& x);
  asio::awaitable<std::string> open(Exchange& x, const OutboundTarget& t);
  asio::awaitable<std::string> handshake(Exchange& x, const OutboundTarget& t);
  template <class Stream>
  asio::awaitable<Outcome> talk(Exchange& x, Stream& stream, const Message& m,
                                OutboundResponse& out);
  template <class Stream>
  asio::awaitable<Outcome> read_whole(Exchange& x, Stream& stream, bool head,
                                      OutboundResponse& out);
  template <class Stream>
  asio::awaitable<Outcome> read_streamed(Exchange& x, Stream& stream, bool head,
                                         OutboundResponse& out);
  template <class Stream>
  asio::awaitable<std::string> pass_body(Exchange& x, Stream& stream,
                                         bhttp::response_parser<PieceBody>& parser);
  asio::awaitable<void> sweep_loop();
  void finish(const std::shared_ptr<Exchange>& x, OutboundResponse response);

  std::unique_ptr<IoThreads> own_io;  // when the options gave no context
  asio::io_context& ioc;
  ClientTlsContext tls;  // made on the first https request
  OutboundPool pool{kMaxIdlePerHost, kIdleExpiry};
  Strand sweep_strand;
  asio::steady_timer sweep_timer;

  std::mutex active_mutex;
  std::condition_variable quiet;                         // active emptied, or the sweep ended
  std::unordered_set<std::shared_ptr<Exchange>> active;  // guarded by active_mutex
  bool sweeping = false;                                 // guarded by active_mutex
  std::atomic<bool> stopping{false};                     // set under active_mutex
  std::mutex stop_mutex;
  bool stopped = false;  // guarded by stop_mutex
};

HttpClient::Impl::Impl(const HttpClientOptions& options)
    : own_io(options.context
                 ? nullptr
                 : std::make_unique<IoThreads>("http-client", std::max(1u, options.threads))),
      ioc(options.context ? *options.context : own_io->context()),
      tls(options.extra_ca_pem),
      sweep_strand(asio::make_strand(ioc)),
      sweep_timer(sweep_strand) {}

asio::awaitable<void> HttpClient::Impl::run(std::shared_ptr<Exchange> x) {
  x->arm(x->started + x->request.timeout);
  OutboundResponse response;
  try {
    response = co_await exchange(*x);
  } catch (const std::exception& e) {
    response = OutboundResponse{};
    response.error = std::string("internal error: ") + e.what();
  }
  finish(x, std::move(response));
}

void HttpClient::Impl::finish(const std::shared_ptr<Exchange>& x, OutboundResponse response) {
  x->finished = true;
  x->deadline.cancel();
  x->conn.reset();
  response.latency =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - x->started);
  auto done = std::move(x->done);
  try {
    done(std::move(response));
  } catch (const std::exception& e) {
    spdlog::error("http client: a completion handler threw: {}", e.what());
  }
  // Only now: stop() returns once no `done` is running.
  std::lock_guard lock(active_mutex);
  active.erase(x);
  if (active.empty()) quiet.notify_all();
}

// The whole exchange, retried once on a fresh connection when a pooled one turns out closed.
asio::awaitable<OutboundResponse> HttpClient::Impl::exchange(Exchange& x) {
  OutboundResponse out;
  std::string error;
  const auto target = parse_outbound_url(x.request.url, error);
  if (!target) {
    out.error = error;
    co_return out;
  }
  if (!is_http_token(x.request.method)) error = "invalid method";
  if (error.empty()) error = check_headers(x.request.headers);
  if (!error.empty()) {
    out.error = error;
    co_return out;
  }
  const Message message = build_message(x.request, *target);
  const std::string key = target->pool_key();
  for (int attempt = 0; attempt < 2 && !x.cut; ++attempt) {
    if (attempt == 0) x.conn = pool.take(key);
    const bool reused = x.conn != nullptr;
    if (!reused) {
      error = co_await open(x, *target);
      if (!error.empty()) break;
    }
    Outcome outcome;
    if (x.conn->tls) {
      outcome = co_await talk(x, *x.conn->tls, message, out);
    } else {
      outcome = co_await talk(x, *x.conn->plain, message, out);
    }
    if (outcome.error.empty()) {
      if (outcome.keep_alive && !x.cut && !stopping) pool.put(key, std::move(x.conn));
      x.conn.reset();
      co_return out;  // a complete response counts, even if the deadline passed meanwhile
    }
    x.conn.reset();
    error = outcome.error;
    if (!reused || !outcome.unanswered) break;
  }
  out = OutboundResponse{};
  out.error = x.cut ? x.cut : error;
  co_return out;
}

// Resolves, connects and, for https, handshakes; leaves the connection in x.conn. Returns "" or
// the error.
asio::awaitable<std::string> HttpClient::Impl::open(Exchange& x, const OutboundTarget& t) {
  std::vector<tcp::endpoint> endpoints;
  const std::string unresolved = co_await resolve_target(t, x.resolver, x.strand, endpoints);
  if (x.cut) co_return x.cut;
  if (!unresolved.empty()) co_return unresolved;
  x.conn = std::make_unique<OutboundConnection>();
  if (t.tls) {
    x.conn->tls.emplace(ioc.get_executor(), tls.get());
  } else {
    x.conn->plain.emplace(ioc.get_executor());
  }
  auto [ec, endpoint] = co_await asio::async_connect(x.conn->socket(), endpoints, kTuple);
  if (x.cut) co_return x.cut;
  if (ec) co_return describe(ec);
  error_code ignored;
  x.conn->socket().set_option(tcp::no_delay(true), ignored);
  if (!t.tls) co_return "";
  co_return co_await handshake(x, t);
}

// TLS: SNI for host names, the peer's chain verified against the trusted CAs and its name (or
// IP address) against the URL's host, by OpenSSL itself.
asio::awaitable<std::string> HttpClient::Impl::handshake(Exchange& x, const OutboundTarget& t) {
  auto& stream = *x.conn->tls;
  if (auto unnamed = expect_peer(stream.native_handle(), t); !unnamed.empty()) co_return unnamed;
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  if (x.cut) co_return x.cut;
  if (ec) co_return describe_tls(stream, ec);
  co_return "";
}

template <class Stream>
asio::awaitable<Outcome> HttpClient::Impl::talk(Exchange& x, Stream& stream, const Message& m,
                                                OutboundResponse& out) {
  auto [wec, written] = co_await bhttp::async_write(stream, m, kTuple);
  if (x.cut) co_return Outcome{x.cut};
  if (wec) co_return Outcome{describe(wec), /*unanswered=*/true};
  const bool head = m.method() == bhttp::verb::head;
  if (x.request.on_body) co_return co_await read_streamed(x, stream, head, out);
  co_return co_await read_whole(x, stream, head, out);
}

// The response, its body collected up to max_response_bytes.
template <class Stream>
asio::awaitable<Outcome> HttpClient::Impl::read_whole(Exchange& x, Stream& stream, bool head,
                                                      OutboundResponse& out) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(x.request.max_response_bytes);
  if (head) parser.skip(true);
  auto [rec, read] = co_await bhttp::async_read(stream, x.conn->buffer, parser, kTuple);
  if (x.cut) co_return Outcome{x.cut};
  if (rec) co_return Outcome{describe(rec), !parser.got_some()};
  copy_head(parser.get(), out);
  out.body = std::move(parser.get().body());
  co_return Outcome{"", false, parser.get().keep_alive()};
}

// The response of a request with on_body: a 2xx body goes to on_body as it arrives, any other
// is collected (up to max_response_bytes) for the error message.
template <class Stream>
asio::awaitable<Outcome> HttpClient::Impl::read_streamed(Exchange& x, Stream& stream, bool head,
                                                         OutboundResponse& out) {
  bhttp::response_parser<PieceBody> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(boost::none);  // a Content-Length is checked below, once the status is known
  if (head) parser.skip(true);
  auto [hec, hn] = co_await bhttp::async_read_header(stream, x.conn->buffer, parser, kTuple);
  if (x.cut) co_return Outcome{x.cut};
  if (hec) co_return Outcome{describe(hec), !parser.got_some()};
  copy_head(parser.get(), out);
  if (out.status / 100 == 2) {
    const std::string error = co_await pass_body(x, stream, parser);
    if (!error.empty()) co_return Outcome{error};
  } else {
    const auto length = parser.content_length();
    if (length && *length > x.request.max_response_bytes) co_return Outcome{"response too large"};
    parser.body_limit(x.request.max_response_bytes);
    auto [ec, n] = co_await bhttp::async_read(stream, x.conn->buffer, parser, kTuple);
    if (x.cut) co_return Outcome{x.cut};
    if (ec) co_return Outcome{describe(ec)};
    out.body = std::move(parser.get().body());
  }
  co_return Outcome{"", false, parser.get().keep_alive()};
}

// Hands the body to on_body piece by piece, each wait for more bounded by stream_idle_timeout
// (`timeout` covered the exchange up to the head). "" once the body is complete; "cancelled"
// when on_body refused a piece (the connection is then not reused).
template <class Stream>
asio::awaitable<std::string> HttpClient::Impl::pass_body(
    Exchange& x, Stream& stream, bhttp::response_parser<PieceBody>& parser) {
  std::string& piece = parser.get().body();
  for (;;) {
    if (!piece.empty()) {
      if (!x.request.on_body(piece)) co_return "cancelled";
      piece.clear();
    }
    if (parser.is_done()) co_return "";
    x.arm(Clock::now() + x.request.stream_idle_timeout);
    auto [ec, n] = co_await bhttp::async_read_some(stream, x.conn->buffer, parser, kTuple);
    if (x.cut) co_return x.cut;
    if (ec) co_return describe(ec);
  }
}

asio::awaitable<void> HttpClient::Impl::sweep_loop() {
  while (!stopping) {
    sweep_timer.expires_after(kSweepInterval);
    auto [ec] = co_await sweep_timer.async_wait(kTuple);
    if (ec || stopping) break;
    pool.sweep();
  }
  std::lock_guard lock(active_mutex);
  sweeping = false;
  quiet.notify_all();
}

HttpClient::HttpClient(unsigned threads)
    : HttpClient([threads] {
        HttpClientOptions options;
        options.threads = threads;
        return options;
      }()) {}

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(options)) {
  auto& im = *impl_;
  im.sweeping = true;
  asio::co_spawn(im.sweep_strand, im.sweep_loop(), asio::detached);
  if (im.own_io) im.own_io->start();
}

HttpClient::~HttpClient() {
  stop();
}

HttpClient::Cancel HttpClient::send(OutboundRequest request,
                                    std::function<void(OutboundResponse)> done) {
  auto& im = *impl_;
  auto x = std::make_shared<Exchange>(im.ioc, std::move(request), std::move(done));
  {
    std::lock_guard lock(im.active_mutex);
    if (!im.stopping) {
      im.active.insert(x);
      asio::co_spawn(x->strand, im.run(x), asio::detached);
      return [weak = std::weak_ptr<Exchange>(x)] {
        if (auto live = weak.lock())
          asio::post(live->strand, [live] { live->interrupt("cancelled"); });
      };
    }
  }
  OutboundResponse stopped;
  stopped.error = "stopped";
  x->done(std::move(stopped));
  return [] {};
}

void HttpClient::stop() {
  auto& im = *impl_;
  std::lock_guard stop_lock(im.stop_mutex);
  if (im.stopped) return;
  std::vector<std::shared_ptr<Exchange>> pending;
  {
    std::lock_guard lock(im.active_mutex);
    im.stopping = true;
    pending.assign(im.active.begin(), im.active.end());
  }
  for (auto& x : pending) asio::post(x->strand, [x] { x->interrupt("stopped"); });
  pending.clear();
  asio::post(im.sweep_strand, [&im] { im.sweep_timer.cancel(); });
  {
    std::unique_lock lock(im.active_mutex);
    im.quiet.wait(lock, [&im] { return im.active.empty() && !im.sweeping; });
  }
  im.pool.close_all();
  if (im.own_io) im.own_io->stop();
  im.stopped = true;
}

}  // namespace sb::net
