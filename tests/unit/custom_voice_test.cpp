// The custom voice against a stand-in TTS server: the voice-request it sends, PCM streamed back
// slowly and cut at odd places, and the ways it fails.

#include "runtime/speech/custom_voice.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "loopback_server.hpp"
#include "net/http_client.hpp"

namespace sb::speech {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using Request = bhttp::request<bhttp::string_body>;

/// What the stand-in answers.
struct Script {
  int status = 200;
  std::vector<std::string> pieces;  ///< each one chunk of a chunked body, 30 ms apart
  bool silent = false;              ///< reads the request, never answers
};

class TtsServer {
 public:
  explicit TtsServer(Script script) : script_(std::move(script)) {}
  std::string url() const { return server_.url("/api/synthesize"); }
  Request last_request() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    Request request;
    auto [ec, n] = co_await bhttp::async_read(socket, buffer, request, kTuple);
    if (ec) co_return;
    {
      std::lock_guard lock(mutex_);
      last_ = request;
    }
    asio::steady_timer timer(socket.get_executor());
    if (script_.silent) {
      timer.expires_after(1h);
      co_await timer.async_wait(kTuple);
      co_return;
    }
    std::string head = "HTTP/1.1 " + std::to_string(script_.status) +
                       " Scripted\r\nContent-Type: application/octet-stream\r\n"
                       "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if (!co_await send(socket, head)) co_return;
    for (const auto& piece : script_.pieces) {
      timer.expires_after(30ms);
      co_await timer.async_wait(kTuple);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      if (!co_await send(socket, size + piece + "\r\n")) co_return;
    }
    co_await send(socket, "0\r\n\r\n");
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  }

  asio::awaitable<bool> send(tcp::socket& socket, std::string bytes) {
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(bytes), kTuple);
    co_return !ec;
  }

  Script script_;
  std::mutex mutex_;
  Request last_;
  sb::test::LoopbackServer server_{[this](tcp::socket s) { return serve(std::move(s)); }};
};

/// What one synthesis reported.
class Outcome {
 public:
  VoiceEvents events() {
    return {[this](std::vector<std::int16_t> pcm) {
              std::lock_guard lock(mutex_);
              ++pieces_;
              audio_.insert(audio_.end(), pcm.begin(), pcm.end());
              changed_.notify_all();
            },
            [this] { settle(std::nullopt); }, [this](SpeechFailure f) { settle(std::move(f)); }};
  }
  /// Waits for on_done/on_failure: true when one came.
  bool wait(std::chrono::seconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return settled_; });
  }
  bool wait_audio(std::chrono::seconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return !audio_.empty(); });
  }
  std::vector<std::int16_t> audio() {
    std::lock_guard lock(mutex_);
    return audio_;
  }
  int pieces() {
    std::lock_guard lock(mutex_);
    return pieces_;
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return settled_ && !failure_;
  }
  std::optional<SpeechFailure> failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  int events_after(int pieces_then) {
    std::lock_guard lock(mutex_);
    return pieces_ - pieces_then + (settled_ ? 1 : 0);
  }

 private:
  void settle(std::optional<SpeechFailure> failure) {
    std::lock_guard lock(mutex_);
    settled_ = true;
    failure_ = std::move(failure);
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::int16_t> audio_;
  int pieces_ = 0;
  bool settled_ = false;
  std::optional<SpeechFailure> failure_;
};

json::object voice_config(const std::string& url, json::object server_extra = {}) {
  json::object server = std::move(server_extra);
  server["url"] = url;
  return json::object{
      {"provider", "custom-voice"}, {"voiceId", "brand-voice"}, {"server", std::move(server)}};
}

SpeechContext call_context() {
  SpeechContext context;
  context.org_id = "org-1";
  context.call_id = "call-1";
  context.call = json::object{
      {"id", "call-1"}, {"orgId", "org-1"}, {"customer", json::object{{"number", "+15550001111"}}}};
  return context;
}

/// Little-endian bytes of `samples`.
std::string pcm_bytes(const std::vector<std::int16_t>& samples) {
  std::string bytes;
  for (auto s : samples) {
    const auto u = static_cast<std::uint16_t>(s);
    bytes.push_back(static_cast<char>(u & 0xff));
    bytes.push_back(static_cast<char>(u >> 8));
  }
  return bytes;
}

class CustomVoiceTest : public ::testing::Test {
 protected:
  net::HttpClient http_{1};
  CustomVoice voice_{http_};
};

TEST_F(CustomVoiceTest, PostsTheDocumentedVoiceRequestWithTheServersHeaders) {
  TtsServer server(Script{200, {pcm_bytes({1, 2})}, false});
  Outcome outcome;
  auto config = voice_config(
      server.url(), {{"headers", json::object{{"X-API-Version", "v1"}}}, {"timeoutSeconds", 5}});
  auto synthesis = voice_.synthesize(config, call_context(), "Hello, world!", outcome.events());
  ASSERT_TRUE(outcome.wait());
  ASSERT_TRUE(outcome.done());

  const Request request = server.last_request();
  EXPECT_EQ(request.method(), bhttp::verb::post);
  EXPECT_EQ(request.target(), "/api/synthesize");
  EXPECT_EQ(request[bhttp::field::content_type], "application/json");
  EXPECT_EQ(request["X-API-Version"], "v1");
  const auto body = json::parse(request.body()).as_object();
  const auto& message = body.at("message").as_object();
  EXPECT_EQ(message.at("type").as_string(), "voice-request");
  EXPECT_EQ(message.at("text").as_string(), "Hello, world!");
  EXPECT_EQ(message.at("sampleRate").to_number<int>(), 16000);
  EXPECT_GT(message.at("timestamp").to_number<double>(), 1.6e12);  // ms since the epoch
  EXPECT_EQ(message.at("call").as_object().at("id").as_string(), "call-1");
  EXPECT_EQ(message.at("call").as_object().at("orgId").as_string(), "org-1");
  EXPECT_EQ(message.at("customer").as_object().at("number").as_string(), "+15550001111");
}

TEST_F(CustomVoiceTest, StreamsPcmAsItArrivesWhateverTheChunksOddSizes) {
  const std::vector<std::int16_t> samples = {0, 1, -1, 32767, -32768, 1234, -4321, 258};
  const std::string bytes = pcm_bytes(samples);  // 16 bytes, cut as 3 + 1 + 5 + 7
  TtsServer server(Script{
      200, {bytes.substr(0, 3), bytes.substr(3, 1), bytes.substr(4, 5), bytes.substr(9)}, false});
  Outcome outcome;
  auto synthesis =
      voice_.synthesize(voice_config(server.url()), call_context(), "Hi", outcome.events());
  ASSERT_TRUE(outcome.wait());
  EXPECT_TRUE(outcome.done());
  EXPECT_EQ(outcome.audio(), samples);
  EXPECT_GE(outcome.pieces(), 3) << "delivered as it arrived, not at the end";
}

TEST_F(CustomVoiceTest, AServerErrorFailsTheVoice) {
  TtsServer server(Script{500, {"{\"error\":\"TTS synthesis failed\"}"}, false});
  Outcome outcome;
  auto synthesis =
      voice_.synthesize(voice_config(server.url()), call_context(), "Hi", outcome.events());
  ASSERT_TRUE(outcome.wait());
  const auto failure = outcome.failure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->ended_reason, "pipeline-error-custom-voice-failed");
  EXPECT_NE(failure->message.find("500"), std::string::npos) << failure->message;
  EXPECT_NE(failure->message.find("TTS synthesis failed"), std::string::npos) << failure->message;
}

TEST_F(CustomVoiceTest, ASilentServerTimesOutAfterTimeoutSeconds) {
  TtsServer server(Script{200, {}, true});
  Outcome outcome;
  const auto started = std::chrono::steady_clock::now();
  auto synthesis = voice_.synthesize(voice_config(server.url(), {{"timeoutSeconds", 1}}),
                                     call_context(), "Hi", outcome.events());
  ASSERT_TRUE(outcome.wait());
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 5s);
  const auto failure = outcome.failure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->ended_reason, "pipeline-error-custom-voice-failed");
  EXPECT_NE(failure->message.find("within 1 s"), std::string::npos) << failure->message;
}

TEST_F(CustomVoiceTest, ARefusedConnectionFailsTheVoice) {
  std::string url;
  {
    TtsServer gone(Script{});
    url = gone.url();
  }  // nothing listens there any more
  Outcome outcome;
  auto synthesis = voice_.synthesize(voice_config(url), call_context(), "Hi", outcome.events());
  ASSERT_TRUE(outcome.wait());
  const auto failure = outcome.failure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->ended_reason, "pipeline-error-custom-voice-failed");
}

TEST_F(CustomVoiceTest, CancelStopsTheEvents) {
  std::vector<std::string> pieces(20, pcm_bytes(std::vector<std::int16_t>(160, 7)));
  TtsServer server(Script{200, pieces, false});
  Outcome outcome;
  auto synthesis =
      voice_.synthesize(voice_config(server.url()), call_context(), "Hi", outcome.events());
  ASSERT_TRUE(outcome.wait_audio());
  synthesis->cancel();
  const int pieces_then = outcome.pieces();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(outcome.events_after(pieces_then), 0);
  synthesis->cancel();  // idempotent
}

TEST_F(CustomVoiceTest, CheckWantsAServerUrl) {
  EXPECT_NO_THROW(voice_.check(voice_config("https://tts.example.com/synthesize")));
  EXPECT_THROW(voice_.check(json::object{{"provider", "custom-voice"}}), ApiError);
  EXPECT_THROW(voice_.check(voice_config("ftp://tts.example.com")), ApiError);
}

}  // namespace
}  // namespace sb::speech
