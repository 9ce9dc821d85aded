// The custom-transcriber adapter against a stand-in transcriber server (accept_websocket on a
// test HttpServer): the start message, the stereo interleaving, transcripts in, failures.
#include "runtime/speech/custom_transcriber.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "net/handover.hpp"
#include "net/http_server.hpp"
#include "net/io_threads.hpp"
#include "net/websocket.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
constexpr auto kWait = 5s;

// The server side of one stand-in connection: what it received, and its socket to answer.
class StandInSocket : public net::WebSocketHandler {
 public:
  void on_text(std::string message) override {
    std::lock_guard lock(mutex_);
    texts_.push_back(std::move(message));
    changed_.notify_all();
  }
  void on_binary(std::string message) override {
    std::lock_guard lock(mutex_);
    audio_ += message;
    changed_.notify_all();
  }
  void on_close(std::uint16_t code, std::string reason) override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    close_code_ = code;
    close_reason_ = std::move(reason);
    changed_.notify_all();
  }

  template <class Condition>
  bool wait(Condition condition) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] { return condition(*this); });
  }

  std::shared_ptr<net::WebSocket> socket;
  http::Fields headers;
  // Guarded by mutex_ (read them through wait()'s condition or after it).
  std::vector<std::string> texts_;
  std::string audio_;
  bool closed_ = false;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
};

// A stand-in transcriber server at ws://127.0.0.1:PORT/transcriber.
class StandIn {
 public:
  StandIn() {
    net::ServerOptions o;
    o.port = 0;
    o.forwarded_headers = net::websocket_request_headers();
    o.forwarded_headers.push_back("authorization");
    o.forwarded_headers.push_back("x-vapi-secret");
    o.upgrade = [this](const http::Request& head) -> net::ConnectionTaker {
      if (head.path != "/transcriber" || !net::is_websocket_upgrade(head)) return {};
      return [this, head](net::Handover&& c) {
        net::accept_websocket(std::move(c), head, {}, [this, head](auto ws) {
          auto s = std::make_shared<StandInSocket>();
          s->socket = ws;
          s->headers = head.headers;
          std::lock_guard lock(mutex_);
          sockets_.push_back(s);
          changed_.notify_all();
          return s;
        });
      };
    };
    server_ = std::make_unique<net::HttpServer>(
        std::move(o),
        [](http::Request&&, http::Reply reply) { reply(http::Response::json(404, "{}")); }, nullptr,
        io_);
    port_ = server_->listen();
    io_.start();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~StandIn() {
    for (auto& s : all()) s->socket->close(net::CloseCode::kGoingAway, "stand-in stops");
    for (auto& s : all()) s->wait([](auto& x) { return x.closed_; });
    server_->shutdown();
    thread_.join();
    io_.stop();
  }

  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/transcriber"; }
  std::shared_ptr<StandInSocket> connection() {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kWait, [&] { return !sockets_.empty(); })) return nullptr;
    return sockets_.front();
  }

 private:
  std::vector<std::shared_ptr<StandInSocket>> all() {
    std::lock_guard lock(mutex_);
    return sockets_;
  }

  net::IoThreads io_{"stand-in", 1};
  std::unique_ptr<net::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::shared_ptr<StandInSocket>> sockets_;
};

// What the adapter told the pipeline.
struct Events {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Transcript> transcripts;
  std::vector<SpeechFailure> failures;

  TranscriberEvents make() {
    TranscriberEvents e;
    e.on_transcript = [this](Transcript t) {
      std::lock_guard lock(mutex);
      transcripts.push_back(std::move(t));
      changed.notify_all();
    };
    e.on_failure = [this](SpeechFailure f) {
      std::lock_guard lock(mutex);
      failures.push_back(std::move(f));
      changed.notify_all();
    };
    return e;
  }
  bool wait_transcripts(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kWait, [&] { return transcripts.size() >= n; });
  }
  bool wait_failure() {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kWait, [&] { return !failures.empty(); });
  }
};

json::object config_for(const std::string& url) {
  return json::parse(R"({"provider":"custom-transcriber","server":{"url":")" + url +
                     R"(","timeoutSeconds":5,"headers":{"Authorization":"Bearer t0k"},)"
                     R"("secret":"s3cret"}})")
      .as_object();
}

std::vector<std::int16_t> samples(int from, int step) {
  std::vector<std::int16_t> out(kFrameSamples);
  for (int i = 0; i < kFrameSamples; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(from + i * step);
  return out;
}

std::int16_t sample_at(const std::string& audio, std::size_t index) {
  const auto lo = static_cast<unsigned char>(audio[index * 2]);
  const auto hi = static_cast<unsigned char>(audio[index * 2 + 1]);
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | hi << 8));
}

class CustomTranscriberTest : public ::testing::Test {
 protected:
  StandIn stand_in;
  net::WebSocketClient client;
  CustomTranscriber transcriber{client};
  Events events;
};

TEST_F(CustomTranscriberTest, SendsTheStartMessageThenInterleavedStereo) {
  auto stream = transcriber.open(config_for(stand_in.url()), {}, events.make());
  const auto customer1 = samples(-1000, 7), assistant1 = samples(5, -3);
  const auto customer2 = samples(32000, 1), assistant2 = samples(-32768, 2);
  stream->push(customer1, assistant1);
  stream->push(customer2, assistant2);
  auto s = stand_in.connection();
  ASSERT_TRUE(s);
  const std::size_t frame_bytes = kFrameSamples * 2 * 2;
  ASSERT_TRUE(s->wait([&](auto& x) { return x.audio_.size() >= 2 * frame_bytes; }));
  ASSERT_TRUE(s->wait([](auto& x) { return !x.texts_.empty(); }));
  EXPECT_EQ(json::parse(s->texts_[0]),
            json::parse(R"({"type":"start","encoding":"linear16","container":"raw",)"
                        R"("sampleRate":16000,"channels":2})"));
  ASSERT_EQ(s->audio_.size(), 2 * frame_bytes);
  for (std::size_t i = 0; i < kFrameSamples; ++i) {
    ASSERT_EQ(sample_at(s->audio_, 2 * i), customer1[i]) << i;
    ASSERT_EQ(sample_at(s->audio_, 2 * i + 1), assistant1[i]) << i;
    ASSERT_EQ(sample_at(s->audio_, 2 * kFrameSamples + 2 * i), customer2[i]) << i;
    ASSERT_EQ(sample_at(s->audio_, 2 * kFrameSamples + 2 * i + 1), assistant2[i]) << i;
  }
  auto header = [&](std::string_view name) {
    for (const auto& [n, v] : s->headers)
      if (n == name) return v;
    return std::string("(absent)");
  };
  EXPECT_EQ(header("authorization"), "Bearer t0k");
  EXPECT_EQ(header("x-vapi-secret"), "s3cret");
  stream->close();
  EXPECT_TRUE(s->wait([](auto& x) { return x.closed_; }));
  EXPECT_EQ(s->close_code_, 1000);
  std::lock_guard lock(events.mutex);
  EXPECT_TRUE(events.failures.empty());
}

TEST_F(CustomTranscriberTest, CustomerTranscriptsReachThePipeline) {
  auto stream = transcriber.open(config_for(stand_in.url()), {}, events.make());
  auto s = stand_in.connection();
  ASSERT_TRUE(s);
  s->socket->send_text(
      R"({"type":"transcriber-response","transcription":"hel","channel":"customer","transcriptType":"partial"})");
  s->socket->send_text(
      R"({"type":"transcriber-response","transcription":"I am the bot","channel":"assistant"})");
  s->socket->send_text(R"(not json)");
  s->socket->send_text(
      R"({"type":"transcriber-response","transcription":"hello","channel":"customer","transcriptType":"final"})");
  s->socket->send_text(
      R"({"type":"transcriber-response","transcription":"bye","channel":"customer"})");
  ASSERT_TRUE(events.wait_transcripts(3));
  std::lock_guard lock(events.mutex);
  ASSERT_EQ(events.transcripts.size(), 3u);
  EXPECT_EQ(events.transcripts[0].text, "hel");
  EXPECT_FALSE(events.transcripts[0].is_final);
  EXPECT_EQ(events.transcripts[1].text, "hello");
  EXPECT_TRUE(events.transcripts[1].is_final);
  EXPECT_EQ(events.transcripts[2].text, "bye");
  EXPECT_TRUE(events.transcripts[2].is_final);  // transcriptType omitted: final
  EXPECT_TRUE(events.failures.empty());
}

TEST_F(CustomTranscriberTest, AnErrorMessageFailsTheStream) {
  auto stream = transcriber.open(config_for(stand_in.url()), {}, events.make());
  auto s = stand_in.connection();
  ASSERT_TRUE(s);
  s->socket->send_text(R"({"type":"error","error":"Transcription service error"})");
  ASSERT_TRUE(events.wait_failure());
  std::lock_guard lock(events.mutex);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].ended_reason, "pipeline-error-custom-transcriber-failed");
  EXPECT_NE(events.failures[0].message.find("Transcription service error"), std::string::npos);
}

TEST_F(CustomTranscriberTest, TheServerClosingMidStreamFailsIt) {
  auto stream = transcriber.open(config_for(stand_in.url()), {}, events.make());
  auto s = stand_in.connection();
  ASSERT_TRUE(s);
  stream->push(samples(0, 1), samples(0, 1));
  ASSERT_TRUE(s->wait([](auto& x) { return !x.audio_.empty(); }));
  s->socket->close(net::CloseCode::kInternal, "backend gone");
  ASSERT_TRUE(events.wait_failure());
  stream->push(samples(0, 1), samples(0, 1));  // after the failure: ignored, never blocks
  std::lock_guard lock(events.mutex);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].ended_reason, "pipeline-error-custom-transcriber-failed");
  EXPECT_NE(events.failures[0].message.find("backend gone"), std::string::npos);
}

TEST_F(CustomTranscriberTest, ARefusedConnectFailsTheStream) {
  std::string url;
  {
    StandIn gone;
    url = gone.url();
  }
  auto stream = transcriber.open(config_for(url), {}, events.make());
  stream->push(samples(0, 1), samples(0, 1));  // while connecting: kept, never blocks
  ASSERT_TRUE(events.wait_failure());
  std::lock_guard lock(events.mutex);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].ended_reason, "pipeline-error-custom-transcriber-failed");
  EXPECT_NE(events.failures[0].message.find("connection refused"), std::string::npos)
      << events.failures[0].message;
}

TEST_F(CustomTranscriberTest, NoEventsAfterClose) {
  auto stream = transcriber.open(config_for(stand_in.url()), {}, events.make());
  auto s = stand_in.connection();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->wait([](auto& x) { return !x.texts_.empty(); }));  // the start message
  stream->close();
  s->socket->send_text(
      R"({"type":"transcriber-response","transcription":"late","channel":"customer"})");
  ASSERT_TRUE(s->wait([](auto& x) { return x.closed_; }));
  EXPECT_EQ(s->close_reason_, "call ended");
  stream.reset();
  std::lock_guard lock(events.mutex);
  EXPECT_TRUE(events.transcripts.empty());
  EXPECT_TRUE(events.failures.empty());  // closing it is not a failure
}

TEST(CustomTranscriberCheck, AcceptsOnlyWebSocketServers) {
  net::WebSocketClient client;
  CustomTranscriber transcriber(client);
  EXPECT_NO_THROW(transcriber.check(config_for("wss://transcriber.example.com/x")));
  EXPECT_NO_THROW(transcriber.check(config_for("ws://127.0.0.1:9/x")));
  auto code_of = [&](const std::string& text) {
    try {
      transcriber.check(json::parse(text).as_object());
    } catch (const ApiError& e) {
      return e.code();
    }
    return ErrorCode::kInternal;  // did not throw
  };
  EXPECT_EQ(code_of(R"({"provider":"custom-transcriber","server":{"url":"https://x.example"}})"),
            ErrorCode::kBadRequest);
  EXPECT_EQ(code_of(R"({"provider":"custom-transcriber"})"), ErrorCode::kBadRequest);
  EXPECT_EQ(code_of(R"({"provider":"deepgram","server":{"url":"wss://x.example"}})"),
            ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace sb::speech
