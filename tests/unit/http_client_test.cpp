// The outbound HTTP client against a small local server (plain or TLS) that answers, stays
// silent, drops connections or closes them, as each test asks.
#include "net/http_client.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "loopback_server.hpp"
#include "tls_support.hpp"

namespace sb::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// What the server does with one request.
struct Answer {
  int status = 200;
  std::string body;
  bool silent = false;       // never answers (the connection stays open)
  bool drop = false;         // closes the connection without answering
  bool close_after = false;  // answers (advertising keep-alive), then closes
};

using Request = bhttp::request<bhttp::string_body>;

// HTTP/1.1 on 127.0.0.1:<ephemeral>, one thread; https when `tls` is set.
class TestServer {
 public:
  explicit TestServer(std::function<Answer(const Request&, int index)> handler, bool tls = false)
      : handler_(std::move(handler)) {
    if (tls) tls_.emplace(test::tls_server_context());
    server_.emplace([this](tcp::socket socket) -> asio::awaitable<void> {
      ++connections_;
      return tls_ ? serve_tls(std::move(socket)) : serve(std::move(socket));
    });
  }

  std::string url(const std::string& host = "127.0.0.1", const std::string& path = "/hook") {
    return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(port()) + path;
  }
  std::uint16_t port() const { return server_->port(); }
  int connections() const { return connections_; }
  int requests() const { return requests_; }
  Request last_request() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  asio::awaitable<void> serve_tls(tcp::socket socket) {
    ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (!ec) co_await serve_stream(stream);
  }

  asio::awaitable<void> serve(tcp::socket socket) { co_await serve_stream(socket); }

  template <class Stream>
  asio::awaitable<void> serve_stream(Stream& stream) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      Request request;
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, request, kTuple);
      if (ec) co_return;
      const int index = requests_++;
      {
        std::lock_guard lock(mutex_);
        last_ = request;
      }
      const Answer answer = handler_(request, index);
      if (answer.drop) co_return;
      if (answer.silent) continue;
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(answer.status), 11};
      response.set("X-Test", "yes");
      response.body() = answer.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      auto [wec, written] = co_await bhttp::async_write(stream, response, kTuple);
      if (wec || answer.close_after || !request.keep_alive()) co_return;
    }
  }

  std::function<Answer(const Request&, int)> handler_;
  std::optional<ssl::context> tls_;  // outlives the connections, which server_ owns
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  Request last_;
  // Last: it serves as soon as it is made, from the members above.
  std::optional<test::LoopbackServer> server_;
};

OutboundRequest post(std::string url, std::string body = "{}") {
  OutboundRequest r;
  r.url = std::move(url);
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}};
  return r;
}

OutboundResponse send_and_wait(HttpClient& client, OutboundRequest request) {
  std::promise<OutboundResponse> promise;
  auto future = promise.get_future();
  client.send(std::move(request), [&](OutboundResponse r) { promise.set_value(std::move(r)); });
  if (future.wait_for(10s) != std::future_status::ready) std::abort();  // a hang is a failure
  return future.get();
}

Answer reply(int status, std::string body) {
  Answer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}
Answer ok(std::string body = "") {
  return reply(200, std::move(body));
}
Answer silent() {
  Answer a;
  a.silent = true;
  return a;
}
Answer drop() {
  Answer a;
  a.drop = true;
  return a;
}
Answer ok_then_close() {
  Answer a = ok("ok");
  a.close_after = true;
  return a;
}

TEST(HttpClient, PostsAndReadsTheAnswer) {
  TestServer server([](const Request& r, int) { return ok("echo:" + r.body()); });
  HttpClient client;
  auto request = post(server.url("127.0.0.1", "/hook/a?x=1%202"), R"({"a":1})");
  request.headers.emplace_back("X-Custom", "value");
  const auto response = send_and_wait(client, std::move(request));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.ok());
  EXPECT_EQ(response.body, R"(echo:{"a":1})");
  EXPECT_EQ(response.header("x-test"), "yes");
  EXPECT_GT(response.latency.count(), 0);
  const Request seen = server.last_request();
  EXPECT_EQ(seen.method(), bhttp::verb::post);
  EXPECT_EQ(seen.target(), "/hook/a?x=1%202");
  EXPECT_EQ(seen[bhttp::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[bhttp::field::user_agent], "Switchboard");
  EXPECT_EQ(seen[bhttp::field::content_length], "7");
  EXPECT_EQ(seen[bhttp::field::content_type], "application/json");
  EXPECT_EQ(seen["X-Custom"], "value");
}

TEST(HttpClient, NonSuccessStatusIsAResponseNotAnError) {
  TestServer server([](const Request&, int) { return reply(503, "busy"); });
  HttpClient client;
  const auto response = send_and_wait(client, post(server.url()));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "busy");
  EXPECT_FALSE(response.ok());
}

TEST(HttpClient, SilentPeerTimesOutOnTime) {
  TestServer server([](const Request&, int) { return silent(); });
  HttpClient client;
  auto request = post(server.url());
  request.timeout = 500ms;
  const auto start = Clock::now();
  const auto response = send_and_wait(client, std::move(request));
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(response.error, "timeout");
  EXPECT_EQ(response.status, 0);
  EXPECT_GE(elapsed, 500ms);
  EXPECT_LE(elapsed, 550ms);
}

TEST(HttpClient, CancelCutsAnExchangeWaitingForItsHead) {
  TestServer server([](const Request&, int) { return silent(); });
  HttpClient client;
  auto request = post(server.url());
  request.timeout = 30s;
  std::promise<OutboundResponse> promise;
  auto future = promise.get_future();
  auto cancel =
      client.send(std::move(request), [&](OutboundResponse r) { promise.set_value(std::move(r)); });
  // Cut once the server has read the request, while the client waits for its head.
  const auto until = Clock::now() + 5s;
  while (server.requests() == 0 && Clock::now() < until) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server.requests(), 1);
  const auto cancelled = Clock::now();
  cancel();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_LT(Clock::now() - cancelled, 1s);  // not the 30 s timeout
  const auto response = future.get();
  EXPECT_EQ(response.error, "cancelled");
  EXPECT_EQ(response.status, 0);
  cancel();  // again: nothing happens (done ran once: a second set_value would throw)
}

TEST(HttpClient, CancelAfterTheExchangeIsHarmless) {
  TestServer server([](const Request& r, int) { return ok("echo:" + r.body()); });
  HttpClient client;
  std::promise<OutboundResponse> promise;
  auto future = promise.get_future();
  auto cancel = client.send(post(server.url(), "1"),
                            [&](OutboundResponse r) { promise.set_value(std::move(r)); });
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get().body, "echo:1");
  cancel();
  cancel();
  // The pooled connection the exchange used still serves the next one.
  EXPECT_EQ(send_and_wait(client, post(server.url(), "2")).body, "echo:2");
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, ConnectionRefused) {
  std::uint16_t port;
  {
    asio::io_context ioc;
    tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  HttpClient client;
  const auto response = send_and_wait(client, post("http://127.0.0.1:" + std::to_string(port)));
  EXPECT_EQ(response.error, "connection refused");
  EXPECT_EQ(response.status, 0);
}

TEST(HttpClient, RejectsBadUrlsAndHeaderInjection) {
  HttpClient client;
  EXPECT_EQ(send_and_wait(client, post("ftp://example.com/x")).error.rfind("invalid url: ", 0), 0u);
  EXPECT_EQ(send_and_wait(client, post("not a url")).error.rfind("invalid url: ", 0), 0u);
  EXPECT_EQ(send_and_wait(client, post("http://127.0.0.1:99999/")).error, "invalid url: bad port");
  auto injected = post("http://127.0.0.1:1/");
  injected.headers.emplace_back("X-Evil", "a\r\nX-Other: b");
  EXPECT_EQ(send_and_wait(client, std::move(injected)).error, "invalid header: X-Evil");
}

TEST(HttpClient, ResponseTooLarge) {
  TestServer server([](const Request&, int) { return ok(std::string(5000, 'x')); });
  HttpClient client;
  auto request = post(server.url());
  request.max_response_bytes = 4096;
  EXPECT_EQ(send_and_wait(client, std::move(request)).error, "response too large");
  request = post(server.url());
  request.max_response_bytes = 5000;
  EXPECT_EQ(send_and_wait(client, std::move(request)).body.size(), 5000u);
}

TEST(HttpClient, ReusesOneConnectionForSequentialRequests) {
  TestServer server([](const Request&, int) { return ok("fine"); });
  HttpClient client;
  for (int i = 0; i < 20; ++i) ASSERT_EQ(send_and_wait(client, post(server.url())).status, 200);
  EXPECT_EQ(server.requests(), 20);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, PooledConnectionClosedByThePeerIsReplaced) {
  // The server closes each connection right after answering, though it advertised keep-alive.
  TestServer server([](const Request&, int) { return ok_then_close(); });
  HttpClient client;
  ASSERT_EQ(send_and_wait(client, post(server.url())).status, 200);
  std::this_thread::sleep_for(50ms);
  const auto second = send_and_wait(client, post(server.url()));
  EXPECT_EQ(second.error, "");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests(), 2);
}

TEST(HttpClient, UnansweredRequestOnAPooledConnectionIsRetriedOnceOnAFreshOne) {
  // The second request arrives on the pooled connection, which the server then drops
  // unanswered (as a server timing out an idle connection does): sent again on a new one.
  TestServer server([](const Request&, int index) { return index == 1 ? drop() : ok("ok"); });
  HttpClient client;
  ASSERT_EQ(send_and_wait(client, post(server.url())).status, 200);
  const auto second = send_and_wait(client, post(server.url()));
  EXPECT_EQ(second.error, "");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, UnansweredRequestOnAFreshConnectionIsNotRetried) {
  TestServer server([](const Request&, int) { return drop(); });
  HttpClient client;
  EXPECT_EQ(send_and_wait(client, post(server.url())).error, "connection closed");
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpClient, ManyConcurrentSendsAllComplete) {
  TestServer server([](const Request& r, int) { return ok(r.body()); });
  HttpClient client(2);
  constexpr int kSends = 200;
  std::atomic<int> done{0}, right{0};
  std::promise<void> all;
  for (int i = 0; i < kSends; ++i) {
    client.send(post(server.url(), std::to_string(i)), [&, i](OutboundResponse r) {
      if (r.status == 200 && r.body == std::to_string(i)) ++right;
      if (++done == kSends) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(right, kSends);
  EXPECT_EQ(server.requests(), kSends);
  EXPECT_LE(server.connections(), kSends);
}

TEST(HttpClient, StopCompletesPendingExchangesAndRefusesNewOnes) {
  TestServer server([](const Request&, int) { return silent(); });
  HttpClient client(2);
  constexpr int kSends = 10;
  std::atomic<int> stopped{0};
  for (int i = 0; i < kSends; ++i) {
    auto request = post(server.url());
    request.timeout = 10s;
    client.send(std::move(request), [&](OutboundResponse r) {
      if (r.error == "stopped") ++stopped;
    });
  }
  while (server.requests() < kSends) std::this_thread::sleep_for(5ms);
  const auto start = Clock::now();
  client.stop();
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(stopped, kSends);
  EXPECT_EQ(send_and_wait(client, post(server.url())).error, "stopped");
}

TEST(HttpClient, HttpsVerifiesTheCertificateAndTheHostName) {
  TestServer server([](const Request&, int) { return ok("secret"); }, /*tls=*/true);
  {
    HttpClient untrusting;  // the system's CAs only
    const auto response = send_and_wait(untrusting, post(server.url("localhost")));
    EXPECT_EQ(response.error.rfind("tls: ", 0), 0u) << response.error;
    EXPECT_EQ(response.status, 0);
  }
  HttpClient client(
      HttpClientOptions{.threads = 1, .extra_ca_pem = test::certificate().certificate});
  const auto response = send_and_wait(client, post(server.url("localhost")));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.body, "secret");
  ASSERT_EQ(send_and_wait(client, post(server.url("localhost"))).status, 200);
  EXPECT_EQ(server.connections(), 2);  // the first, untrusting client's, and one kept alive
  // The certificate names localhost, not 127.0.0.1.
  const auto mismatch = send_and_wait(client, post(server.url("127.0.0.1")));
  EXPECT_EQ(mismatch.error.rfind("tls: ", 0), 0u) << mismatch.error;
}

}  // namespace
}  // namespace sb::net
