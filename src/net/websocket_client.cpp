// The outbound side of WebSockets: resolving, connecting and the TLS handshake (set up and
// verified as the HTTP client's, by outbound_connect.hpp: the system's CA store plus
// extra_ca_pem, the peer's name or IP address checked), then the session
// (websocket_session.cpp) does the WebSocket handshake. One deadline covers all of it: this
// file's timer up to TLS, Beast's handshake timeout (set to what is left) after.
#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/codec.hpp"
#include "net/io_threads.hpp"
#include "net/outbound_connect.hpp"
#include "net/outbound_target.hpp"
#include "net/websocket_impl.hpp"

namespace sb::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// `lower` is in lower case.
bool iequals(std::string_view name, std::string_view lower) {
  return name.size() == lower.size() &&
         std::equal(name.begin(), name.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// Set by the WebSocket handshake itself; the caller's values would break it.
bool is_handshake_header(std::string_view name) {
  for (std::string_view reserved : {"host", "upgrade", "connection", "sec-websocket-key",
                                    "sec-websocket-version", "sec-websocket-extensions"})
    if (iequals(name, reserved)) return true;
  return is_framing_header(name);
}

std::string describe(const error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::timed_out) return "timeout";
  if (ec == asio::error::eof || ec == asio::error::connection_reset) return "connection closed";
  return ec.message();
}

// The outstanding connects and sockets, so the client's destructor can close them and wait.
// Shared with the sessions' on_finished hooks, which may run after the client is gone.
struct Registry {
  std::mutex mutex;
  std::condition_variable quiet;
  std::unordered_map<std::uint64_t, std::function<void(std::string)>> stoppers;
  std::uint64_t next_id = 0;
  bool stopping = false;

  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex);
    stoppers.erase(id);
    if (stoppers.empty()) quiet.notify_all();
  }
};

// One connect(): everything runs on its strand, which becomes the socket's.
struct Dial : std::enable_shared_from_this<Dial> {
  Dial(asio::io_context& ioc, WebSocketConnectRequest r)
      : strand(asio::make_strand(ioc)), timer(strand), request(std::move(r)) {}

  // Cuts the dial at whatever step it is in; once the session has the connection, hands the
  // cut to it (an open socket closes with kGoingAway). `even_if_open` false (a Cancel): an
  // open socket is left alone.
  void stop(std::string why, bool even_if_open) {
    if (session) {
      if (!connected || even_if_open) session->abort(std::move(why));
      return;
    }
    if (cut) return;
    cut = std::move(why);
    if (resolver) resolver->cancel();
    error_code ignored;
    if (plain) plain->close(ignored);
    if (tls) tls->next_layer().close(ignored);
  }

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  WebSocketConnectRequest request;
  std::shared_ptr<WebSocketHandler> handler;
  ws_detail::Done done;
  std::uint64_t id = 0;
  std::optional<tcp::resolver> resolver;
  std::optional<tcp::socket> plain;
  std::optional<ws_detail::TlsStream> tls;
  std::shared_ptr<ws_detail::Session> session;  // once the connection is handed to it
  std::optional<std::string> cut;
  bool connected = false;  // `done` ran with an open socket
};

}  // namespace

struct WebSocketClient::Impl {
  Impl(asio::io_context* context, std::string extra_ca)
      : own_io(context ? nullptr : std::make_unique<IoThreads>("websocket-client", 1)),
        ioc(context ? *context : own_io->context()),
        tls(std::move(extra_ca)),
        registry(std::make_shared<Registry>()) {}

  asio::awaitable<void> run(std::shared_ptr<Dial> d);
  asio::awaitable<std::string> open(Dial& d, const OutboundTarget& t);
  void fail(Dial& d, std::string error);

  std::unique_ptr<IoThreads> own_io;  // first: destroyed last
  asio::io_context& ioc;
  ClientTlsContext tls;  // made on the first wss:// connect
  std::shared_ptr<Registry> registry;
};

// A connect that never reached the session: `done` with the error, then it is forgotten.
void WebSocketClient::Impl::fail(Dial& d, std::string error) {
  error_code ignored;
  if (d.plain) d.plain->close(ignored);
  if (d.tls) d.tls->next_layer().close(ignored);
  auto done = std::move(d.done);
  done(nullptr, std::move(error));
  registry->remove(d.id);
}

asio::awaitable<void> WebSocketClient::Impl::run(std::shared_ptr<Dial> d) {
  const auto deadline = SteadyClock::now() + d->request.timeout;
  d->timer.expires_at(deadline);
  d->timer.async_wait([d](const error_code& ec) {
    if (!ec && !d->session) d->stop("timeout", false);
  });
  std::string url = d->request.url;
  if (url.starts_with("ws://")) url.replace(0, 2, "http");
  if (url.starts_with("wss://")) url.replace(0, 3, "https");
  std::string error;
  auto target = parse_outbound_url(url, error);
  if (target && error.empty()) error = check_headers(d->request.headers);
  if (error.empty()) error = co_await open(*d, *target);
  d->timer.cancel();
  if (d->cut) error = *d->cut;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  if (error.empty() && left.count() <= 0) error = "timeout";
  if (!error.empty()) {
    fail(*d, std::move(error));
    co_return;
  }
  ws_detail::ClientStart start;
  start.host_header = target->host_header;
  start.target = target->target;
  bool has_authorization = false;
  for (auto& [name, value] : d->request.headers) {
    if (is_handshake_header(name)) continue;
    has_authorization = has_authorization || iequals(name, "authorization");
    start.headers.emplace_back(name, value);
  }
  if (!target->userinfo.empty() && !has_authorization)
    start.headers.emplace_back("Authorization", "Basic " + base64_encode(target->userinfo));
  start.handshake_timeout = left;
  start.limits = d->request.limits;
  start.handler = std::move(d->handler);
  start.done = [d](std::shared_ptr<WebSocket> socket, std::string error) {
    d->connected = socket != nullptr;
    auto done = std::move(d->done);
    done(std::move(socket), std::move(error));
  };
  start.on_finished = [registry = registry, id = d->id] { registry->remove(id); };
  if (d->tls) {
    d->session = ws_detail::start_client_session(std::move(*d->tls), std::move(start));
  } else {
    d->session = ws_detail::start_client_session(std::move(*d->plain), std::move(start));
  }
}

// Resolves, connects and, for wss, does the TLS handshake. Returns "" or the error.
asio::awaitable<std::string> WebSocketClient::Impl::open(Dial& d, const OutboundTarget& t) {
  std::vector<tcp::endpoint> endpoints;
  const std::string unresolved = co_await resolve_target(t, d.resolver, d.strand, endpoints);
  if (d.cut) co_return *d.cut;
  if (!unresolved.empty()) co_return unresolved;
  tcp::socket* socket = nullptr;
  if (t.tls) {
    d.tls.emplace(d.strand, tls.get());
    socket = &d.tls->next_layer();
  } else {
    d.plain.emplace(d.strand);
    socket = &*d.plain;
  }
  auto [ec, endpoint] = co_await asio::async_connect(*socket, endpoints, kTuple);
  if (d.cut) co_return *d.cut;
  if (ec) co_return describe(ec);
  error_code ignored;
  socket->set_option(tcp::no_delay(true), ignored);
  if (!t.tls) co_return "";
  if (auto unnamed = expect_peer(d.tls->native_handle(), t); !unnamed.empty()) co_return unnamed;
  auto [hec] = co_await d.tls->async_handshake(ssl::stream_base::client, kTuple);
  if (d.cut) co_return *d.cut;
  if (hec) {
    auto failure = verify_failure(d.tls->native_handle());
    co_return failure.empty() ? "tls: " + hec.message() : failure;
  }
  co_return "";
}

WebSocketClient::WebSocketClient(boost::asio::io_context* context, std::string extra_ca_pem)
    : impl_(std::make_unique<Impl>(context, std::move(extra_ca_pem))) {
  if (impl_->own_io) impl_->own_io->start();
}

WebSocketClient::~WebSocketClient() {
  stop();
  if (impl_->own_io) impl_->own_io->stop();
}

void WebSocketClient::stop() {
  auto& registry = *impl_->registry;
  std::vector<std::function<void(std::string)>> stoppers;
  {
    std::lock_guard lock(registry.mutex);
    registry.stopping = true;
    for (auto& [id, stop] : registry.stoppers) stoppers.push_back(stop);
  }
  for (auto& stop : stoppers) stop("stopped");
  stoppers.clear();
  {
    std::unique_lock lock(registry.mutex);
    registry.quiet.wait(lock, [&registry] { return registry.stoppers.empty(); });
  }
}

WebSocketClient::Cancel WebSocketClient::connect(
    WebSocketConnectRequest request, std::shared_ptr<WebSocketHandler> handler,
    std::function<void(std::shared_ptr<WebSocket>, std::string error)> done) {
  auto& im = *impl_;
  auto d = std::make_shared<Dial>(im.ioc, std::move(request));
  d->handler = std::move(handler);
  d->done = std::move(done);
  {
    std::lock_guard lock(im.registry->mutex);
    if (im.registry->stopping) {
      asio::post(d->strand, [d] { d->done(nullptr, "stopped"); });
      return [] {};
    }
    d->id = ++im.registry->next_id;
    // The registry holds the dial (and through it the session) until the session is over.
    im.registry->stoppers.emplace(d->id, [d](std::string why) {
      asio::post(d->strand, [d, why = std::move(why)] { d->stop(why, true); });
    });
  }
  asio::co_spawn(d->strand, im.run(d), asio::detached);
  return [weak = std::weak_ptr<Dial>(d)] {
    if (auto live = weak.lock())
      asio::post(live->strand, [live] { live->stop("cancelled", false); });
  };
}

}  // namespace sb::net
