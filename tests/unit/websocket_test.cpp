// WebSockets end to end over 127.0.0.1: the HTTP server hands /ws over to accept_websocket,
// WebSocketClient dials it (plain, and through a TLS-terminating proxy for wss://), and raw
// TCP peers play the clients that break the rules (never read, never answer pings).
#include "net/websocket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "loopback_server.hpp"
#include "net/handover.hpp"
#include "net/http_server.hpp"
#include "net/io_threads.hpp"

namespace sb::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kWait = 5s;

// Records what a socket's handler is told; optionally echoes every message back.
class Recorder : public WebSocketHandler {
 public:
  explicit Recorder(bool echo = false) : echo_(echo) {}

  void attach(std::shared_ptr<WebSocket> socket) {
    std::lock_guard lock(mutex_);
    socket_ = socket;
  }
  std::shared_ptr<WebSocket> socket() {
    std::lock_guard lock(mutex_);
    return socket_.lock();
  }

  void on_text(std::string message) override { got(false, std::move(message)); }
  void on_binary(std::string message) override { got(true, std::move(message)); }
  void on_close(std::uint16_t code, std::string reason) override {
    std::lock_guard lock(mutex_);
    ++closes_;
    code_ = code;
    reason_ = std::move(reason);
    changed_.notify_all();
  }

  bool wait_messages(std::size_t n, std::chrono::milliseconds wait = kWait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return messages_.size() >= n; });
  }
  bool wait_closed(std::chrono::milliseconds wait = kWait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return closes_ > 0; });
  }
  std::vector<std::pair<bool, std::string>> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  int closes() {
    std::lock_guard lock(mutex_);
    return closes_;
  }
  std::uint16_t code() {
    std::lock_guard lock(mutex_);
    return code_;
  }
  std::string reason() {
    std::lock_guard lock(mutex_);
    return reason_;
  }

 private:
  void got(bool binary, std::string message) {
    std::shared_ptr<WebSocket> socket;
    {
      std::lock_guard lock(mutex_);
      messages_.emplace_back(binary, message);
      socket = socket_.lock();
      changed_.notify_all();
    }
    if (echo_ && socket) {
      if (binary) {
        socket->send_binary(std::move(message));
      } else {
        socket->send_text(std::move(message));
      }
    }
  }

  const bool echo_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::weak_ptr<WebSocket> socket_;
  std::vector<std::pair<bool, std::string>> messages_;
  int closes_ = 0;
  std::uint16_t code_ = 0;
  std::string reason_;
};

// An HttpServer whose /ws upgrades to an echoing WebSocket (with `limits`) and whose /refuse
// refuses with a 404; every accepted socket's Recorder is kept.
class WsServer {
 public:
  explicit WsServer(WebSocketLimits limits = {}) : limits_(limits) {
    ServerOptions o;
    o.port = 0;
    o.forwarded_headers = websocket_request_headers();
    o.upgrade = [this](const http::Request& head) -> ConnectionTaker {
      if (head.path == "/refuse")
        return [](Handover&& c) {
          refuse_websocket(std::move(c), 404, R"({"message":"no such call"})");
        };
      if (head.path != "/ws" || !is_websocket_upgrade(head)) return {};
      return [this, head](Handover&& c) {
        accept_websocket(std::move(c), head, limits_, [this](std::shared_ptr<WebSocket> ws) {
          auto recorder = std::make_shared<Recorder>(/*echo=*/true);
          recorder->attach(ws);
          std::lock_guard lock(mutex_);
          sessions_.push_back(recorder);
          changed_.notify_all();
          return recorder;
        });
      };
    };
    server_ = std::make_unique<HttpServer>(
        std::move(o),
        [](http::Request&&, http::Reply reply) { reply(http::Response::json(200, "{}")); }, nullptr,
        io_);
    port_ = server_->listen();
    io_.start();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~WsServer() {
    // Accepted sockets are not the HTTP server's: close them, then stop.
    for (auto& s : sessions())
      if (auto ws = s->socket()) ws->close(CloseCode::kGoingAway, "test over");
    for (auto& s : sessions()) s->wait_closed();
    server_->shutdown();
    thread_.join();
    io_.stop();
  }

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/ws") const {
    return "ws://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  /// The n-th accepted socket's recorder (waits for it).
  std::shared_ptr<Recorder> session(std::size_t n = 0) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kWait, [&] { return sessions_.size() > n; })) return nullptr;
    return sessions_[n];
  }

 private:
  std::vector<std::shared_ptr<Recorder>> sessions() {
    std::lock_guard lock(mutex_);
    return sessions_;
  }

  WebSocketLimits limits_;
  IoThreads io_{"ws-test", 2};
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::shared_ptr<Recorder>> sessions_;
};

struct Connected {
  std::shared_ptr<WebSocket> socket;
  std::string error;
};

Connected dial(WebSocketClient& client, std::string url, std::shared_ptr<WebSocketHandler> handler,
               WebSocketLimits limits = {}) {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<Connected> result;
  WebSocketConnectRequest request;
  request.url = std::move(url);
  request.timeout = 5s;
  request.limits = limits;
  client.connect(std::move(request), std::move(handler),
                 [&](std::shared_ptr<WebSocket> socket, std::string error) {
                   std::lock_guard lock(mutex);
                   result = Connected{std::move(socket), std::move(error)};
                   cv.notify_all();
                 });
  std::unique_lock lock(mutex);
  if (!cv.wait_for(lock, 2 * kWait, [&] { return result.has_value(); }))
    return {nullptr, "no answer"};
  return *result;
}

// A raw TCP client that completes the opening handshake and then does only what a test says.
class RawPeer {
 public:
  explicit RawPeer(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    // A small receive buffer, so a peer that does not read fills it soon.
    const int small = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~RawPeer() { ::close(fd_); }
  RawPeer(const RawPeer&) = delete;

  /// Sends the upgrade request (and `early`, in the same segment) and reads the response head.
  std::string handshake(std::string_view early = "") {
    const std::string request =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" +
        std::string(early);
    EXPECT_EQ(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    std::string head;
    char c = 0;
    while (!head.ends_with("\r\n\r\n")) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0 || ::recv(fd_, &c, 1, 0) != 1) break;
      head += c;
    }
    return head;
  }

 private:
  int fd_;
};

// Polls `condition` until it holds or `wait` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds wait = kWait) {
  const auto until = Clock::now() + wait;
  while (!condition()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A client's text frame (masked, as RFC 6455 requires), `text` shorter than 126 bytes.
std::string masked_text_frame(std::string_view text) {
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  std::string frame{static_cast<char>(0x81), static_cast<char>(0x80 | text.size())};
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < text.size(); ++i)
    frame += static_cast<char>(text[i] ^ static_cast<char>(mask[i % 4]));
  return frame;
}

// ---------------------------------------------------------------------------------------------

TEST(WebSocket, TextAndBinaryRoundTrip) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  const std::string binary("\x00\x01\xff\x80 bytes", 10);
  EXPECT_TRUE(c.socket->send_text("héllo"));
  EXPECT_TRUE(c.socket->send_binary(binary));
  ASSERT_TRUE(mine->wait_messages(2));
  const auto got = mine->messages();
  EXPECT_EQ(got[0], (std::pair<bool, std::string>{false, "héllo"}));
  EXPECT_EQ(got[1], (std::pair<bool, std::string>{true, binary}));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  EXPECT_EQ(theirs->messages(), got);
  const auto stats = c.socket->stats();
  EXPECT_EQ(stats.messages_in, 2u);  // counted before the handler ran
  EXPECT_EQ(stats.bytes_in, 6u + binary.size());
  // Counted when the write completes, which may be after the echo arrived.
  EXPECT_TRUE(eventually([&] { return c.socket->stats().messages_out == 2; }));
  EXPECT_EQ(c.socket->stats().bytes_out, 6u + binary.size());
}

TEST(WebSocket, FramesSentWithTheRequestAreNotLost) {
  // Against RFC 6455 §4.1, but harmless: bytes the HTTP server read past the head come first.
  WsServer server;
  RawPeer peer(server.port());
  ASSERT_TRUE(peer.handshake(masked_text_frame("early")).starts_with("HTTP/1.1 101"));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  ASSERT_TRUE(theirs->wait_messages(1));
  EXPECT_EQ(theirs->messages()[0], (std::pair<bool, std::string>{false, "early"}));
}

TEST(WebSocket, RefusalIsSeenAsTheHandshakeStatus) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url("/refuse"), mine);
  EXPECT_FALSE(c.socket);
  EXPECT_EQ(c.error, "handshake: 404");
  EXPECT_EQ(mine->closes(), 0);  // never opened
}

TEST(WebSocket, ConnectionRefused) {
  std::uint16_t port = 0;
  {
    WsServer server;
    port = server.port();
  }
  WebSocketClient client;
  auto c =
      dial(client, "ws://127.0.0.1:" + std::to_string(port) + "/ws", std::make_shared<Recorder>());
  EXPECT_FALSE(c.socket);
  EXPECT_EQ(c.error, "connection refused");
}

TEST(WebSocket, CloseFromTheClientRunsOnCloseOnceOnBothSides) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  c.socket->close(CloseCode::kNormal, "bye");
  c.socket->close(CloseCode::kPolicy, "again");  // idempotent: the first stands
  EXPECT_FALSE(c.socket->send_text("too late"));
  ASSERT_TRUE(mine->wait_closed());
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(mine->code(), 1000);
  EXPECT_EQ(mine->reason(), "bye");
  EXPECT_EQ(theirs->code(), 1000);
  EXPECT_EQ(theirs->reason(), "bye");
  c.socket->close(CloseCode::kNormal, "after");
  EXPECT_EQ(mine->closes(), 1);
  EXPECT_EQ(theirs->closes(), 1);
}

TEST(WebSocket, CloseFromTheServerRunsOnCloseOnceOnBothSides) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  auto server_socket = theirs->socket();
  ASSERT_TRUE(server_socket);
  server_socket->send_text("last words");
  server_socket->close(CloseCode::kPolicy, "unknown call");
  ASSERT_TRUE(mine->wait_closed());
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(mine->messages().size(), 1u);  // what was queued before the close went out first
  EXPECT_EQ(mine->code(), 1008);
  EXPECT_EQ(mine->reason(), "unknown call");
  EXPECT_EQ(theirs->code(), 1008);
  EXPECT_FALSE(c.socket->send_text("gone"));
  EXPECT_EQ(mine->closes(), 1);
  EXPECT_EQ(theirs->closes(), 1);
}

TEST(WebSocket, ClientDestructorClosesItsSockets) {
  WsServer server;
  auto mine = std::make_shared<Recorder>();
  {
    WebSocketClient client;
    auto c = dial(client, server.url(), mine);
    ASSERT_TRUE(c.socket) << c.error;
  }
  EXPECT_EQ(mine->closes(), 1);  // before the destructor returned
  EXPECT_EQ(mine->code(), 1001);
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(theirs->code(), 1001);
}

TEST(WebSocket, MessageOverTheLimitClosesWithTooBig) {
  WebSocketLimits limits;
  limits.max_message_bytes = 1024;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  EXPECT_TRUE(c.socket->send_binary(std::string(1024, 'a')));  // at the limit: fine
  ASSERT_TRUE(mine->wait_messages(1));
  EXPECT_TRUE(c.socket->send_binary(std::string(1025, 'b')));
  ASSERT_TRUE(mine->wait_closed());
  EXPECT_EQ(mine->code(), 1009);
  auto theirs = server.session();
  ASSERT_TRUE(theirs && theirs->wait_closed());
  EXPECT_EQ(theirs->code(), 1009);
  EXPECT_EQ(theirs->messages().size(), 1u);
}

TEST(WebSocket, SlowConsumerIsClosed) {
  WebSocketLimits limits;
  limits.max_queued_bytes = 64 * 1024;
  limits.close_timeout = 200ms;
  limits.ping_interval = 0ms;
  WsServer server(limits);
  RawPeer peer(server.port());
  ASSERT_TRUE(peer.handshake().starts_with("HTTP/1.1 101"));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  auto socket = theirs->socket();
  ASSERT_TRUE(socket);
  // The peer never reads: the kernel's buffers fill, then the queue, then a send fails.
  const std::string chunk(16 * 1024, 'x');
  int sent = 0;
  while (sent < 100'000 && socket->send_binary(chunk)) ++sent;
  EXPECT_LT(sent, 100'000);
  EXPECT_LE(socket->queued_bytes(), limits.max_queued_bytes);
  EXPECT_FALSE(socket->send_binary("more"));
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(theirs->code(), 1008);
  EXPECT_EQ(theirs->reason(), "slow consumer");
}

TEST(WebSocket, FloodIsThrottledThenClosed) {
  WebSocketLimits limits;
  limits.inbound_bytes_per_second = 1000;
  limits.inbound_burst_bytes = 1000;
  limits.flood_grace = 200ms;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  const auto started = Clock::now();
  for (int i = 0; i < 10; ++i) c.socket->send_binary(std::string(2000, 'f'));
  ASSERT_TRUE(mine->wait_closed());
  EXPECT_GE(Clock::now() - started, 200ms);  // throttled for the grace first
  EXPECT_EQ(mine->code(), 1008);
  EXPECT_EQ(mine->reason(), "flood");
  auto theirs = server.session();
  ASSERT_TRUE(theirs && theirs->wait_closed());
  EXPECT_EQ(theirs->reason(), "flood");
  EXPECT_LT(theirs->messages().size(), 10u);
}

TEST(WebSocket, InboundWithinBudgetIsNotClosed) {
  WebSocketLimits limits;
  limits.inbound_bytes_per_second = 100'000;
  limits.inbound_burst_bytes = 10'000;
  limits.flood_grace = 200ms;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  for (int i = 0; i < 5; ++i) c.socket->send_binary(std::string(1000, 'k'));
  ASSERT_TRUE(mine->wait_messages(5));
  EXPECT_EQ(mine->closes(), 0);
}

TEST(WebSocket, PingDetectsADeadPeer) {
  WebSocketLimits limits;
  limits.ping_interval = 100ms;
  limits.pong_timeout = 100ms;
  WsServer server(limits);
  RawPeer peer(server.port());
  ASSERT_TRUE(peer.handshake().starts_with("HTTP/1.1 101"));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  const auto started = Clock::now();
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_GE(Clock::now() - started, 150ms);
  EXPECT_EQ(theirs->code(), 1011);
  EXPECT_EQ(theirs->reason(), "ping timeout");
}

TEST(WebSocket, PingsKeepALivePeerOpen) {
  WebSocketLimits limits;
  limits.ping_interval = 50ms;
  limits.pong_timeout = 50ms;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  // Several ping rounds pass: the client's automatic pongs keep the server side open.
  EXPECT_FALSE(theirs->wait_closed(500ms));
  EXPECT_EQ(mine->closes(), 0);
}

// ---------------------------------------------------------------------------------------------
// wss://: a TLS-terminating proxy in front of the plain server.

struct TestCertificate {
  std::string certificate;
  std::string key;
};

TestCertificate make_certificate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_set_version(x, 2);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  auto pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
  };
  TestCertificate c{pem([&](BIO* b) { PEM_write_bio_X509(b, x); }), pem([&](BIO* b) {
                      PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
                    })};
  X509_free(x);
  EVP_PKEY_free(key);
  return c;
}

const TestCertificate& certificate() {
  static const TestCertificate c = make_certificate();
  return c;
}

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

template <class From, class To>
asio::awaitable<void> pump(From& from, To& to) {
  char buffer[16 * 1024];
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buffer), kTuple);
    if (ec) break;
    auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buffer, n), kTuple);
    if (wec) break;
  }
  boost::system::error_code ignored;
  to.lowest_layer().close(ignored);
  from.lowest_layer().close(ignored);
}

// Terminates TLS with the test certificate and passes the bytes on to 127.0.0.1:`port`.
class TlsProxy {
 public:
  explicit TlsProxy(std::uint16_t port)
      : port_(port),
        server_([this](asio::ip::tcp::socket socket) { return serve(std::move(socket)); }) {}
  std::string url(std::string_view path = "/ws") const {
    std::string plain = server_.url(path);  // http://127.0.0.1:PORT/ws
    return "wss://localhost" + plain.substr(plain.rfind(':'));
  }

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    auto tls = std::make_shared<TlsStream>(std::move(socket), context());
    auto [ec] = co_await tls->async_handshake(asio::ssl::stream_base::server, kTuple);
    if (ec) co_return;
    auto upstream = std::make_shared<asio::ip::tcp::socket>(tls->get_executor());
    auto [cec] =
        co_await upstream->async_connect({asio::ip::make_address("127.0.0.1"), port_}, kTuple);
    if (cec) co_return;
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(
        executor, [tls, upstream]() -> asio::awaitable<void> { co_await pump(*upstream, *tls); },
        asio::detached);
    co_await pump(*tls, *upstream);
  }
  static asio::ssl::context& context() {
    static asio::ssl::context c = [] {
      asio::ssl::context ctx(asio::ssl::context::tls_server);
      ctx.use_certificate_chain(asio::buffer(certificate().certificate));
      ctx.use_private_key(asio::buffer(certificate().key), asio::ssl::context::pem);
      return ctx;
    }();
    return c;
  }

  std::uint16_t port_;
  test::LoopbackServer server_;
};

TEST(WebSocket, SecureRoundTripVerifiesTheServer) {
  WsServer server;
  TlsProxy proxy(server.port());
  WebSocketClient client(nullptr, certificate().certificate);
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, proxy.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  EXPECT_TRUE(c.socket->send_text("over tls"));
  ASSERT_TRUE(mine->wait_messages(1));
  EXPECT_EQ(mine->messages()[0].second, "over tls");
  c.socket->close(CloseCode::kNormal, "done");
  ASSERT_TRUE(mine->wait_closed());
  EXPECT_EQ(mine->code(), 1000);
}

TEST(WebSocket, SecureConnectRefusesAnUntrustedCertificate) {
  WsServer server;
  TlsProxy proxy(server.port());
  WebSocketClient client;  // the system's CAs only
  auto c = dial(client, proxy.url(), std::make_shared<Recorder>());
  EXPECT_FALSE(c.socket);
  EXPECT_TRUE(c.error.starts_with("tls: ")) << c.error;
}

}  // namespace
}  // namespace sb::net
