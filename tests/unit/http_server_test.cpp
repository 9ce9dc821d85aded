// The HTTP server against sloppy and hostile clients, over real sockets on 127.0.0.1, with
// deadlines shortened to fractions of a second.
#include "net/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "net/handover.hpp"
#include "net/io_threads.hpp"

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace sb::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Server {
 public:
  explicit Server(ServerOptions options) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        std::move(options),
        [](http::Request&& request, http::Reply reply) {
          reply(http::Response::json(200, "{\"path\":\"" + request.path + "\",\"bytes\":" +
                                              std::to_string(request.body.size()) + "}"));
        },
        nullptr, io_);
    port_ = server_->listen();
    io_.start();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~Server() {
    server_->shutdown();
    thread_.join();
    io_.stop();  // as the application does: the context stops after the server
  }
  std::uint16_t port() const { return port_; }
  ServerStats stats() const { return server_->stats(); }

 private:
  IoThreads io_{"http", 1};
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;

  bool send(std::string_view data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  /// Everything received until the server closes the connection or `wait` passes.
  std::string read_all(std::chrono::milliseconds wait = 5000ms) {
    std::string out;
    const auto until = Clock::now() + wait;
    while (Clock::now() < until) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) break;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

ServerOptions quick() {
  ServerOptions o;
  o.first_byte_timeout = 400ms;
  o.header_timeout = 400ms;
  o.body_timeout = 400ms;
  o.idle_timeout = 400ms;
  o.send_timeout = 400ms;
  o.shutdown_grace = 1s;
  return o;
}

int count(const std::string& text, std::string_view what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HttpServer, SlowHeadersAreCutAtTheHeaderTimeoutWith408) {
  auto o = quick();
  o.idle_timeout = 10s;  // only the header deadline may cut this client
  Server server(o);
  Client slow(server.port());
  const auto t0 = Clock::now();
  std::string got;
  for (char ch : std::string("GET /health HTTP/1.1\r\nHost: x\r\n")) {
    if (!slow.send(std::string_view(&ch, 1))) break;
    got += slow.read_all(50ms);
    if (slow.closed()) break;
  }
  got += slow.read_all(3s);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 408 Request Timeout\r\n")) << got;
  EXPECT_NE(got.find("\"statusCode\":408"), std::string::npos);
  EXPECT_TRUE(slow.closed());
  EXPECT_LT(Clock::now() - t0, 2s);
}

TEST(HttpServer, ConnectionsThatNeverSpeakAreClosedSilently) {
  Server server(quick());
  Client mute(server.port());
  const auto t0 = Clock::now();
  EXPECT_EQ(mute.read_all(3s), "");
  EXPECT_TRUE(mute.closed());
  EXPECT_LT(Clock::now() - t0, 2s);
}

TEST(HttpServer, ABodyShorterThanItsContentLengthTimesOutWith408) {
  Server server(quick());
  Client c(server.port());
  c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":1}");
  const std::string got = c.read_all(3s);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 408 ")) << got;
  EXPECT_TRUE(c.closed());
}

TEST(HttpServer, OverLimitBodiesAre413BeforeBeingSent) {
  auto o = quick();
  o.route_body_limit = [](http::Method, std::string_view path) -> std::size_t {
    return path == "/small" ? 10 : 1000;
  };
  Server server(o);
  Client c(server.port());
  // Only the headers: the answer must not wait for the body.
  c.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
  const std::string got = c.read_all(300ms);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << got;
  EXPECT_NE(got.find("at most 10 bytes"), std::string::npos) << got;

  Client ok(server.port());
  ok.send(
      "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nConnection: "
      "close\r\n\r\n01234567890");
  EXPECT_NE(ok.read_all().find("\"bytes\":11"), std::string::npos);

  Client chunked(server.port());
  chunked.send(
      "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n");
  EXPECT_TRUE(chunked.read_all().starts_with("HTTP/1.1 413 "));
}

// The client keeps sending a refused body: it must still read the 413 (lingering close), not a
// connection reset.
TEST(HttpServer, A413ReachesAClientThatKeepsSending) {
  auto o = quick();
  o.body_limit = 1000;
  Server server(o);
  Client c(server.port());
  c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n");
  const std::string chunk(100'000, 'x');
  for (int i = 0; i < 3; ++i) c.send(chunk);
  EXPECT_TRUE(c.read_all(3s).starts_with("HTTP/1.1 413 "));
}

TEST(HttpServer, BodiesInMemoryAreBoundedOverAllConnections) {
  auto o = quick();
  o.body_timeout = 5s;
  o.body_memory_limit = 1000;
  Server server(o);
  Client holder(server.port());
  holder.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 800\r\n\r\n");  // holds 800
  holder.read_all(100ms);
  Client second(server.port());
  second.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\n");
  const std::string got = second.read_all(1s);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << got;
  EXPECT_NE(got.find("Retry-After: 1\r\n"), std::string::npos);
  holder.send(std::string(800, 'x'));
  EXPECT_NE(holder.read_all(500ms).find("\"bytes\":800"), std::string::npos);
  Client third(server.port());  // the holder's share is back
  third.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\nConnection: close\r\n\r\n");
  third.send(std::string(300, 'y'));
  EXPECT_NE(third.read_all().find("\"bytes\":300"), std::string::npos);
}

// Regression: the 431 body used to say "statusCode": 400 and "error": "Bad Request".
TEST(HttpServer, OversizedHeadersAre431InBodyAndStatus) {
  auto o = quick();
  o.header_limit = 1024;
  Server server(o);
  Client c(server.port());
  c.send("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  const std::string got = c.read_all(2s);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n")) << got;
  EXPECT_NE(got.find("\"error\":\"Request Header Fields Too Large\",\"statusCode\":431"),
            std::string::npos)
      << got;
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  Server server(quick());
  Client c(server.port());
  c.send(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string got = c.read_all();
  const auto one = got.find("/one"), two = got.find("/two"), three = got.find("/three");
  ASSERT_NE(three, std::string::npos) << got;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  EXPECT_EQ(count(got, "HTTP/1.1 200 OK"), 3);
  EXPECT_TRUE(c.closed());
}

TEST(HttpServer, Http10IsAnsweredAndClosed) {
  Server server(quick());
  Client c(server.port());
  c.send("GET /old HTTP/1.0\r\n\r\n");
  const std::string got = c.read_all(2s);
  EXPECT_TRUE(got.starts_with("HTTP/1.0 200 OK\r\n")) << got;
  EXPECT_TRUE(c.closed());
}

TEST(HttpServer, AContentLengthShorterThanTheBodyLeavesGarbageThatIs400) {
  Server server(quick());
  Client c(server.port());
  c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{\"a\":1}");
  const std::string got = c.read_all(2s);
  EXPECT_NE(got.find("\"bytes\":2"), std::string::npos) << got;
  EXPECT_NE(got.find("HTTP/1.1 400 Bad Request"), std::string::npos) << got;
  EXPECT_TRUE(c.closed());
}

TEST(HttpServer, AmbiguousFramingIsRefused) {
  Server server(quick());
  for (std::string_view head :
       {"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 3\r\nContent-Length: 4\r\n", "Content-Length: -1\r\n",
        "Content-Length: 99999999999999999999999\r\n"}) {
    Client c(server.port());
    c.send("POST /x HTTP/1.1\r\nHost: x\r\n" + std::string(head) + "\r\nabcd");
    const std::string got = c.read_all(2s);
    EXPECT_TRUE(got.starts_with("HTTP/1.1 400 ")) << head << got;
  }
}

// At the cap, the longest-idle connection makes room for a new one instead of the new one
// being refused.
TEST(HttpServer, AtTheCapTheOldestIdleConnectionsAreClosed) {
  auto o = quick();
  o.first_byte_timeout = 30s;
  o.idle_timeout = 30s;
  o.max_connections = 40;
  Server server(o);
  std::vector<std::unique_ptr<Client>> idle;
  idle.push_back(std::make_unique<Client>(server.port()));
  std::this_thread::sleep_for(50ms);  // the clock behind eviction order is a few ms coarse
  for (int i = 1; i < 40; ++i) idle.push_back(std::make_unique<Client>(server.port()));
  std::this_thread::sleep_for(100ms);
  Client active(server.port());
  active.send("GET /now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(active.read_all().find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_EQ(idle.front()->read_all(1s), "");
  EXPECT_TRUE(idle.front()->closed());  // the oldest went first
  EXPECT_GE(server.stats().evicted, 1u);
  EXPECT_LE(server.stats().open_connections, 40u);
}

TEST(HttpServer, AtTheCapWithNothingIdleNewConnectionsAreRefused) {
  auto o = quick();
  o.body_timeout = 30s;
  o.max_connections = 2;
  Server server(o);
  Client a(server.port()), b(server.port());
  a.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");  // both busy in bodies
  b.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  Client late(server.port());
  EXPECT_EQ(late.read_all(1s), "");
  EXPECT_TRUE(late.closed());
  EXPECT_GE(server.stats().refused, 1u);
  a.send("0123456789");
  EXPECT_NE(a.read_all(300ms).find("\"bytes\":10"), std::string::npos);
}

// Out of descriptors (EMFILE) below the cap: the acceptor closes idle connections to make room
// instead of leaving every new client in the backlog until the idle ones time out. The clients
// run in a child process so that their descriptors do not count against the server's limit.
TEST(HttpServer, OutOfDescriptorsClosesIdleConnectionsToAcceptNewOnes) {
  auto o = quick();
  o.first_byte_timeout = 30s;
  o.max_connections = 100'000;
  Server server(o);
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
  const auto open_now = std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                                      std::filesystem::directory_iterator{});
  rlimit low = original;
  low.rlim_cur = static_cast<rlim_t>(open_now + 40);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  const pid_t child = fork();
  if (child == 0) {
    setrlimit(RLIMIT_NOFILE, &original);
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < 80; ++i) idle.push_back(std::make_unique<Client>(server.port()));
    usleep(300'000);
    Client active(server.port());
    active.send("GET /late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    _exit(active.read_all(4s).starts_with("HTTP/1.1 200 OK") ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  setrlimit(RLIMIT_NOFILE, &original);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the late client was not served";
  EXPECT_GE(server.stats().evicted, 1u);
}

TEST(HttpServer, KeepAliveConnectionsIdleOutButServeMeanwhile) {
  auto o = quick();
  o.idle_timeout = 1s;
  Server server(o);
  Client c(server.port());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(c.read_all(200ms).find("HTTP/1.1 200 OK"), std::string::npos);
  }
  EXPECT_EQ(c.read_all(3s), "");
  EXPECT_TRUE(c.closed());
}

// The hand-over point: a protocol that claims a connection after its request head gets the
// socket and every byte the client sent past the head, and HTTP lets go of it entirely.
TEST(HttpServer, AClaimedConnectionLeavesTheHttpLoopWithItsBytesIntact) {
  std::promise<Handover> claimed;
  auto o = quick();
  o.upgrade = [&claimed](const http::Request& head) -> ConnectionTaker {
    if (head.path != "/upgrade") return {};
    return [&claimed](Handover&& connection) { claimed.set_value(std::move(connection)); };
  };
  Server server(o);
  {
    Client plain(server.port());
    plain.send("GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(plain.read_all().find("HTTP/1.1 200 OK"), std::string::npos);  // unclaimed: HTTP
  }

  Client client(server.port());
  ASSERT_TRUE(client.send("GET /upgrade HTTP/1.1\r\nHost: x\r\n\r\nfirst bytes"));
  auto taken = claimed.get_future();
  ASSERT_EQ(taken.wait_for(5s), std::future_status::ready);
  Handover connection = taken.get();
  EXPECT_EQ(connection.already_read, "first bytes");

  // No HTTP answer, and no HTTP deadline: it outlives the 400 ms timeouts, uncounted.
  boost::asio::write(connection.socket, boost::asio::buffer(std::string_view("pong")));
  EXPECT_EQ(client.read_all(900ms), "pong");
  EXPECT_FALSE(client.closed());
  EXPECT_EQ(server.stats().open_connections, 0u);
  ASSERT_TRUE(client.send("more"));
  std::string more(4, '\0');
  boost::asio::read(connection.socket, boost::asio::buffer(more));
  EXPECT_EQ(more, "more");
}

}  // namespace
}  // namespace sb::net
