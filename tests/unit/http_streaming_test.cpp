// Streamed response bodies end to end: BodyStream itself, the server writing each chunk as the
// producer writes it (raw sockets on 127.0.0.1 watch the bytes), and HttpClient handing a
// streamed body to on_body as it arrives.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "http/body_stream.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_threads.hpp"

namespace sb::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using http::BodyStream;

// ---------------------------------------------------------------------------------------------
// BodyStream

TEST(BodyStream, TakeReturnsEverythingWrittenInOrderAndTheClose) {
  BodyStream s;
  EXPECT_TRUE(s.write("ab"));
  EXPECT_TRUE(s.write("cd"));
  auto batch = s.take();
  EXPECT_EQ(batch.data, "abcd");
  EXPECT_FALSE(batch.closed);
  EXPECT_TRUE(s.write("e"));
  s.close();
  EXPECT_FALSE(s.write("f"));  // after close: dropped
  batch = s.take();
  EXPECT_EQ(batch.data, "e");
  EXPECT_TRUE(batch.closed);
}

TEST(BodyStream, WhenReadyFiresAtOnceWhenSomethingIsPendingElseOnTheNextWriteOrClose) {
  BodyStream s;
  int fired = 0;
  s.write("x");
  s.when_ready([&] { ++fired; });
  EXPECT_EQ(fired, 1);

  s.take();
  s.when_ready([&] { ++fired; });
  EXPECT_EQ(fired, 1);
  s.write("");  // nothing to take: no wake-up
  EXPECT_EQ(fired, 1);
  s.write("y");
  EXPECT_EQ(fired, 2);
  s.write("z");  // once per when_ready
  EXPECT_EQ(fired, 2);

  s.take();
  s.when_ready([&] { ++fired; });
  s.close();
  EXPECT_EQ(fired, 3);
  s.when_ready([&] { ++fired; });  // closed: take() has the close
  EXPECT_EQ(fired, 4);
}

TEST(BodyStream, CancelDropsLaterWritesAndRunsOnCancelOnce) {
  BodyStream s;
  int cancelled = 0;
  s.on_cancel([&] { ++cancelled; });
  s.write("a");
  s.cancel();
  s.cancel();
  EXPECT_EQ(cancelled, 1);
  EXPECT_TRUE(s.cancelled());
  EXPECT_FALSE(s.write("b"));
  EXPECT_EQ(s.take().data, "");
  int late = 0;
  s.on_cancel([&] { ++late; });  // registered after the cancel: runs at once
  EXPECT_EQ(late, 1);
}

TEST(BodyStream, CancelAfterCloseIsNotACancellation) {
  BodyStream s;
  int cancelled = 0;
  s.on_cancel([&] { ++cancelled; });
  s.close();
  s.cancel();
  EXPECT_EQ(cancelled, 0);
  EXPECT_FALSE(s.cancelled());
}

TEST(BodyStream, CancelReleasesTheConsumersCallback) {
  BodyStream s;
  auto token = std::make_shared<int>(0);
  s.when_ready([token] {});
  EXPECT_EQ(token.use_count(), 2);
  s.cancel();
  EXPECT_EQ(token.use_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// A server whose handler streams

// Hands each streamed request's BodyStream to the test, in order.
class Streams {
 public:
  void push(std::shared_ptr<BodyStream> s) {
    std::lock_guard lock(mutex_);
    streams_.push_back(std::move(s));
    cv_.notify_all();
  }
  /// The `index`th stream (0-based); fails the test after 5 s.
  std::shared_ptr<BodyStream> get(std::size_t index) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, 5s, [&] { return streams_.size() > index; })) {
      ADD_FAILURE() << "no stream " << index;
      return std::make_shared<BodyStream>();
    }
    return streams_[index];
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<BodyStream>> streams_;
};

// /stream answers 200 text/event-stream with a stream the test writes; /stream404 the same with
// 404; anything else a plain JSON body.
class StreamingServer {
 public:
  explicit StreamingServer(ServerOptions options = {},
                           std::shared_ptr<spdlog::logger> access_log = nullptr) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        std::move(options),
        [this](http::Request&& request, http::Reply reply) {
          if (!request.path.starts_with("/stream")) {
            reply(http::Response::json(200, R"({"path":")" + request.path + "\"}"));
            return;
          }
          http::Response r;
          r.status = request.path == "/stream404" ? 404 : 200;
          r.content_type = "text/event-stream";
          r.headers.emplace_back("Cache-Control", "no-cache");
          r.stream = std::make_shared<BodyStream>();
          streams.push(r.stream);
          reply(std::move(r));
        },
        std::move(access_log), io_);
    port_ = server_->listen();
    io_.start();
    thread_ = std::thread([this] {
      server_->run();
      std::lock_guard lock(mutex_);
      stopped_ = true;
      cv_.notify_all();
    });
  }
  ~StreamingServer() {
    shutdown();
    // A server that never stops (a stream it cannot cut) fails the run instead of hanging it.
    if (!stopped_within(20s)) std::abort();
    thread_.join();
    io_.stop();
  }
  void shutdown() { server_->shutdown(); }
  /// Whether run() returns within `wait`.
  bool stopped_within(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, wait, [this] { return stopped_; });
  }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  Streams streams;

 private:
  IoThreads io_{"http", 2};
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::thread thread_;
};

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;

  void send(std::string_view data) {
    EXPECT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }
  /// Reads until everything received so far ends with `suffix` (true), or the connection
  /// closes or `wait` passes (false). What was read is appended to received().
  bool read_until(std::string_view suffix, std::chrono::milliseconds wait = 5000ms) {
    const auto until = Clock::now() + wait;
    while (!received_.ends_with(suffix)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left <= 0ms) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return false;
      }
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  /// True when the server closes the connection within `wait`.
  bool closed_within(std::chrono::milliseconds wait) {
    read_until("\x01\x02 never", wait);
    return closed_;
  }
  std::string take() { return std::exchange(received_, std::string()); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  std::string received_;
  bool closed_ = false;
};

// A promise-backed flag set from any thread.
struct Signal {
  std::promise<void> promise;
  std::future<void> future = promise.get_future();
  std::atomic<bool> set{false};
  void notify() {
    if (!set.exchange(true)) promise.set_value();
  }
  bool wait(std::chrono::milliseconds d = 5000ms) {
    return future.wait_for(d) == std::future_status::ready;
  }
};

TEST(HttpStreaming, EachChunkReachesTheClientBeforeTheNextIsWrittenThenKeepAliveGoesOn) {
  StreamingServer server;
  RawClient c(server.port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = server.streams.get(0);

  ASSERT_TRUE(c.read_until("\r\n\r\n")) << c.take();  // the head comes before any body
  const std::string head = c.take();
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-cache\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Request-Id: "), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;

  ASSERT_TRUE(stream->write("a"));
  ASSERT_TRUE(c.read_until("1\r\na\r\n")) << c.take();  // before "b" exists
  EXPECT_EQ(c.take(), "1\r\na\r\n");
  ASSERT_TRUE(stream->write("data: bb\n\n"));
  stream->close();
  ASSERT_TRUE(c.read_until("0\r\n\r\n")) << c.take();
  EXPECT_EQ(c.take(), "a\r\ndata: bb\n\n\r\n0\r\n\r\n");

  c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.read_until(R"({"path":"/next"})")) << c.take();
  EXPECT_TRUE(c.take().starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST(HttpStreaming, AClientThatDisconnectsWhileTheProducerIsSilentCancelsTheStream) {
  StreamingServer server;
  RawClient c(server.port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = server.streams.get(0);
  Signal cancelled;
  stream->on_cancel([&] { cancelled.notify(); });
  stream->write("a");
  ASSERT_TRUE(c.read_until("1\r\na\r\n")) << c.take();
  c.close();
  EXPECT_TRUE(cancelled.wait(2s));  // noticed without the producer writing again
  EXPECT_FALSE(stream->write("b"));
}

TEST(HttpStreaming, Http10GetsTheBodyUnframedAndTheCloseEndsIt) {
  StreamingServer server;
  RawClient c(server.port());
  c.send("GET /stream HTTP/1.0\r\n\r\n");
  auto stream = server.streams.get(0);
  stream->write("one ");
  ASSERT_TRUE(c.read_until("one ")) << c.take();
  stream->write("two");
  stream->close();
  EXPECT_TRUE(c.closed_within(2s));
  const std::string got = c.take();
  EXPECT_TRUE(got.starts_with("HTTP/1.0 200 OK\r\n")) << got;
  EXPECT_EQ(got.find("Transfer-Encoding"), std::string::npos) << got;
  EXPECT_EQ(got.find("Content-Length"), std::string::npos) << got;
  EXPECT_TRUE(got.ends_with("\r\n\r\none two")) << got;
}

TEST(HttpStreaming, ARequestPipelinedDuringTheStreamIsAnsweredAfterIt) {
  StreamingServer server;
  RawClient c(server.port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = server.streams.get(0);
  ASSERT_TRUE(c.read_until("\r\n\r\n"));
  c.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");  // read by the server while it waits
  std::this_thread::sleep_for(100ms);
  stream->write("x");
  stream->close();
  ASSERT_TRUE(c.read_until(R"({"path":"/after"})")) << c.take();
  const std::string got = c.take();
  EXPECT_NE(got.find("1\r\nx\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"), std::string::npos) << got;
}

TEST(HttpStreaming, HeadGetsTheHeadAloneAndCancelsTheProducer) {
  StreamingServer server;
  RawClient c(server.port());
  c.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = server.streams.get(0);
  ASSERT_TRUE(c.read_until("\r\n\r\n")) << c.take();
  EXPECT_TRUE(c.take().starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(stream->write("ignored"));
  c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.read_until(R"({"path":"/next"})")) << c.take();
  EXPECT_TRUE(c.take().starts_with("HTTP/1.1 200 OK\r\n"));  // no stray chunk before it
}

TEST(HttpStreaming, ShutdownLetsAStreamFinishWithinTheGrace) {
  ServerOptions o;
  o.shutdown_grace = 5s;
  StreamingServer server(o);
  RawClient c(server.port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = server.streams.get(0);
  ASSERT_TRUE(c.read_until("\r\n\r\n"));
  server.shutdown();
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(stream->write("late"));
  stream->close();
  EXPECT_TRUE(c.read_until("4\r\nlate\r\n0\r\n\r\n")) << c.take();
  EXPECT_TRUE(server.stopped_within(3s));
}

TEST(HttpStreaming, ShutdownCutsAStreamThatOutlivesTheGrace) {
  ServerOptions o;
  o.shutdown_grace = 300ms;
  StreamingServer server(o);
  RawClient c(server.port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = server.streams.get(0);
  Signal cancelled;
  stream->on_cancel([&] { cancelled.notify(); });
  ASSERT_TRUE(c.read_until("\r\n\r\n"));
  const auto t0 = Clock::now();
  server.shutdown();
  EXPECT_TRUE(cancelled.wait(3s));
  EXPECT_TRUE(server.stopped_within(3s));
  EXPECT_GE(Clock::now() - t0, 250ms);
  EXPECT_TRUE(c.closed_within(1s));
}

TEST(HttpStreaming, AClientThatStopsReadingIsCutAtTheSendTimeout) {
  ServerOptions o;
  o.send_timeout = 300ms;
  StreamingServer server(o);
  RawClient c(server.port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = server.streams.get(0);
  Signal cancelled;
  stream->on_cancel([&] { cancelled.notify(); });
  // The client never reads: once the socket buffers are full the write stalls.
  const std::string megabyte(1 << 20, 'x');
  for (int i = 0; i < 64 && !stream->cancelled(); ++i) {
    stream->write(megabyte);
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(cancelled.wait(3s));
}

TEST(HttpStreaming, TheAccessLogCountsTheBodyBytesWritten) {
  auto out = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out);
  sink->set_pattern("%v");
  auto log = std::make_shared<spdlog::logger>("streaming-access-test", sink);
  {
    StreamingServer server({}, log);
    RawClient c(server.port());
    c.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto stream = server.streams.get(0);
    stream->write("hello");
    stream->write(" world");
    stream->close();
    EXPECT_TRUE(c.closed_within(3s));
  }
  log->flush();
  EXPECT_NE(out->str().find(R"("path":"/stream","status":200,"bytes":11,)"), std::string::npos)
      << out->str();
}

// ---------------------------------------------------------------------------------------------
// HttpClient with on_body

struct Received {
  std::mutex mutex;
  std::vector<std::string> chunks;
  std::condition_variable cv;

  void add(std::string_view chunk) {
    std::lock_guard lock(mutex);
    chunks.emplace_back(chunk);
    cv.notify_all();
  }
  std::string joined() {
    std::lock_guard lock(mutex);
    std::string all;
    for (const auto& c : chunks) all += c;
    return all;
  }
  /// Waits until the pieces received so far join to `text`.
  bool wait_for(const std::string& text, std::chrono::milliseconds d = 5000ms) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, d, [&] {
      std::string all;
      for (const auto& c : chunks) all += c;
      return all == text;
    });
  }
};

OutboundRequest streamed_get(std::string url, Received& received) {
  OutboundRequest r;
  r.method = "GET";
  r.url = std::move(url);
  r.on_body = [&received](std::string_view chunk) {
    received.add(chunk);
    return true;
  };
  return r;
}

std::future<OutboundResponse> send_async(HttpClient& client, OutboundRequest request) {
  auto promise = std::make_shared<std::promise<OutboundResponse>>();
  auto future = promise->get_future();
  client.send(std::move(request),
              [promise](OutboundResponse r) { promise->set_value(std::move(r)); });
  return future;
}

OutboundResponse get(std::future<OutboundResponse>& f) {
  if (f.wait_for(10s) != std::future_status::ready) std::abort();  // a hang is a failure
  return f.get();
}

TEST(HttpStreaming, OnBodyGetsEachChunkAsItArrives) {
  StreamingServer server;
  HttpClient client;
  Received received;
  auto done = send_async(client, streamed_get(server.url("/stream"), received));
  auto stream = server.streams.get(0);
  stream->write("data: first\n\n");
  ASSERT_TRUE(received.wait_for("data: first\n\n"));  // before the second exists
  stream->write("data: second\n\n");
  ASSERT_TRUE(received.wait_for("data: first\n\ndata: second\n\n"));
  EXPECT_EQ(done.wait_for(100ms), std::future_status::timeout);  // not closed yet
  stream->close();
  const auto response = get(done);
  EXPECT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "text/event-stream");
  EXPECT_EQ(response.body, "");

  // The connection is reused for the next exchange, whose stream is the server's second.
  Received again;
  auto second = send_async(client, streamed_get(server.url("/stream"), again));
  auto stream2 = server.streams.get(1);
  stream2->write("z");
  stream2->close();
  EXPECT_TRUE(get(second).ok());
  EXPECT_EQ(again.joined(), "z");
}

TEST(HttpStreaming, OnBodyReturningFalseCancelsAndTheServerSeesTheClientGo) {
  StreamingServer server;
  HttpClient client;
  Received unused;
  auto request = streamed_get(server.url("/stream"), unused);
  std::atomic<int> calls{0};
  request.on_body = [&](std::string_view) {
    ++calls;
    return false;
  };
  auto done = send_async(client, std::move(request));
  auto stream = server.streams.get(0);
  Signal server_cancelled;
  stream->on_cancel([&] { server_cancelled.notify(); });
  stream->write("enough");
  const auto response = get(done);
  EXPECT_EQ(response.error, "cancelled");
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(calls.load(), 1);
  EXPECT_TRUE(server_cancelled.wait(2s));  // the connection was closed, not pooled
}

TEST(HttpStreaming, AStalledStreamFailsAtTheIdleTimeout) {
  StreamingServer server;
  HttpClient client;
  Received received;
  auto request = streamed_get(server.url("/stream"), received);
  request.timeout = 10s;
  request.stream_idle_timeout = 300ms;
  const auto t0 = Clock::now();
  auto done = send_async(client, std::move(request));
  server.streams.get(0)->write("a");
  const auto response = get(done);
  const auto took = Clock::now() - t0;
  EXPECT_EQ(response.error, "timeout");
  EXPECT_EQ(received.joined(), "a");
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST(HttpStreaming, TheTimeoutBoundsOnlyTheHeadOfAStreamThatKeepsMoving) {
  StreamingServer server;
  HttpClient client;
  Received received;
  auto request = streamed_get(server.url("/stream"), received);
  request.timeout = 300ms;
  request.stream_idle_timeout = 2s;
  auto done = send_async(client, std::move(request));
  auto stream = server.streams.get(0);
  std::string expected;
  for (int i = 0; i < 8; ++i) {  // 800 ms in all, well past `timeout`
    stream->write(std::to_string(i));
    expected += std::to_string(i);
    std::this_thread::sleep_for(100ms);
  }
  stream->close();
  const auto response = get(done);
  EXPECT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(received.joined(), expected);
}

TEST(HttpStreaming, ANon2xxStreamedBodyIsCollectedNotPassedToOnBody) {
  StreamingServer server;
  HttpClient client;
  Received received;
  auto done = send_async(client, streamed_get(server.url("/stream404"), received));
  auto stream = server.streams.get(0);
  stream->write(R"({"message":)");
  stream->write(R"("no such model"})");
  stream->close();
  const auto response = get(done);
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"message":"no such model"})");
  EXPECT_TRUE(received.joined().empty());
}

TEST(HttpStreaming, ANon2xxBodyOverTheLimitFailsAsTooLarge) {
  StreamingServer server;
  HttpClient client;
  Received received;
  auto request = streamed_get(server.url("/stream404"), received);
  request.max_response_bytes = 10;
  auto done = send_async(client, std::move(request));
  auto stream = server.streams.get(0);
  stream->write(std::string(11, 'x'));
  stream->close();
  EXPECT_EQ(get(done).error, "response too large");
}

}  // namespace
}  // namespace sb::net
