// The Deepgram (Aura) voice: the model name a voice config makes, and one request against a
// loopback stand-in of /v1/speak (auth, query, body, PCM streamed back; a 401 failing it).

#include "runtime/speech/deepgram_voice.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "loopback_server.hpp"
#include "net/http_client.hpp"
#include "net/websocket.hpp"

namespace sb::speech {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

json::object config(std::string_view text) {
  return json::parse(text).as_object();
}

TEST(DeepgramVoiceModel, NamesTheAuraModelOfTheVoice) {
  EXPECT_EQ(deepgram_voice_model(config(R"({"voiceId":"asteria"})")), "aura-2-asteria-en");
  EXPECT_EQ(deepgram_voice_model(config(R"({"voiceId":"asteria","model":"aura"})")),
            "aura-asteria-en");
  EXPECT_EQ(deepgram_voice_model(config(R"({"voiceId":"thalia","model":"aura-2"})")),
            "aura-2-thalia-en");
  EXPECT_EQ(deepgram_voice_model(config(R"({"voiceId":"celeste"})")), "aura-2-celeste-es");
  EXPECT_EQ(deepgram_voice_model(config(R"({"voiceId":"julius"})")), "aura-2-julius-de");
  // Only Aura has it: without a model, Aura.
  EXPECT_EQ(deepgram_voice_model(config(R"({"voiceId":"stella"})")), "aura-stella-en");
  EXPECT_EQ(deepgram_voice_model(config(R"({"voiceId":"aura-2-odysseus-en"})")),
            "aura-2-odysseus-en");
}

TEST(DeepgramVoiceModel, TheSpeakUrl) {
  EXPECT_EQ(deepgram_speak_url("https://api.deepgram.com",
                               config(R"({"voiceId":"luna","mipOptOut":true})")),
            "https://api.deepgram.com/v1/speak?model=aura-2-luna-en&encoding=linear16"
            "&sample_rate=16000&container=none&mip_opt_out=true");
}

/// A /v1/speak stand-in: answers `status` with `body` in two chunks.
class SpeakServer {
 public:
  SpeakServer(int status, std::string body) : status_(status), body_(std::move(body)) {}
  std::string base_url() const { return server_.url(); }
  bhttp::request<bhttp::string_body> last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [ec, n] = co_await bhttp::async_read(socket, buffer, request, kTuple);
    if (ec) co_return;
    {
      std::lock_guard lock(mutex_);
      last_ = request;
    }
    const auto half = body_.size() / 2 + 1;  // odd: a sample cut in two
    std::string out = "HTTP/1.1 " + std::to_string(status_) +
                      " Scripted\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    for (const auto& piece : {body_.substr(0, half), body_.substr(half)}) {
      if (piece.empty()) continue;
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      out += size + piece + "\r\n";
    }
    out += "0\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(out), kTuple);
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  }

  int status_;
  std::string body_;
  std::mutex mutex_;
  bhttp::request<bhttp::string_body> last_;
  sb::test::LoopbackServer server_{[this](tcp::socket s) { return serve(std::move(s)); }};
};

struct Outcome {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::int16_t> audio;
  bool settled = false;
  std::optional<SpeechFailure> failure;

  VoiceEvents events() {
    return {[this](std::vector<std::int16_t> pcm) {
              std::lock_guard lock(mutex);
              audio.insert(audio.end(), pcm.begin(), pcm.end());
            },
            [this] { settle({}); }, [this](SpeechFailure f) { settle(std::move(f)); }};
  }
  void settle(std::optional<SpeechFailure> f) {
    std::lock_guard lock(mutex);
    settled = true;
    failure = std::move(f);
    changed.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return settled; });
  }
};

SpeechContext with_key(std::string key) {
  SpeechContext context;
  context.credentials["deepgram"] = json::object{{"apiKey", std::move(key)}};
  return context;
}

class DeepgramVoiceTest : public ::testing::Test {
 protected:
  net::HttpClient http{1};
  net::WebSocketClient websockets;
  RemoteSpeechSettings settings;
  RemoteSpeechDeps deps{http, websockets, settings};
  HttpVoice voice{deps, kDeepgramVoice};
};

TEST_F(DeepgramVoiceTest, PostsTheTextWithTokenAuthAndStreamsThePcm) {
  const std::string pcm = {1, 0, 2, 0, -1, -1, 0, 1};  // 1, 2, -1, 256
  SpeakServer server(200, pcm);
  auto context = with_key("dg-key");
  context.credentials["deepgram"]["apiUrl"] = server.base_url();
  Outcome outcome;
  auto synthesis = voice.synthesize(config(R"({"provider":"deepgram","voiceId":"asteria"})"),
                                    context, "Hello there", outcome.events());
  ASSERT_TRUE(outcome.wait());
  ASSERT_FALSE(outcome.failure) << outcome.failure->message;
  EXPECT_EQ(outcome.audio, (std::vector<std::int16_t>{1, 2, -1, 256}));
  const auto request = server.last();
  EXPECT_EQ(request.method(), bhttp::verb::post);
  EXPECT_EQ(request.target(),
            "/v1/speak?model=aura-2-asteria-en&encoding=linear16&sample_rate=16000"
            "&container=none");
  EXPECT_EQ(request[bhttp::field::authorization], "Token dg-key");
  EXPECT_EQ(json::parse(request.body()), json::parse(R"({"text":"Hello there"})"));
}

TEST_F(DeepgramVoiceTest, AnErrorAnswerFailsTheVoice) {
  SpeakServer server(401, R"({"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."})");
  auto context = with_key("wrong");
  context.credentials["deepgram"]["apiUrl"] = server.base_url();
  Outcome outcome;
  auto synthesis = voice.synthesize(config(R"({"provider":"deepgram","voiceId":"luna"})"), context,
                                    "Hi", outcome.events());
  ASSERT_TRUE(outcome.wait());
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(outcome.failure->ended_reason, kDeepgramVoiceFailed);
  EXPECT_NE(outcome.failure->message.find("401"), std::string::npos);
  EXPECT_NE(outcome.failure->message.find("INVALID_AUTH"), std::string::npos);
}

TEST_F(DeepgramVoiceTest, NoKeyFailsAtOnce) {
  Outcome outcome;
  auto synthesis = voice.synthesize(config(R"({"provider":"deepgram","voiceId":"luna"})"),
                                    SpeechContext{}, "Hi", outcome.events());
  ASSERT_TRUE(outcome.wait());
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(outcome.failure->ended_reason, kDeepgramVoiceFailed);
}

TEST_F(DeepgramVoiceTest, CheckRefusesWhatItCannotServe) {
  EXPECT_NO_THROW(voice.check(config(R"({"provider":"deepgram","voiceId":"asteria"})")));
  for (const auto* bad : {R"({"provider":"deepgram"})", R"({"provider":"deepgram","voiceId":7})",
                          R"({"provider":"deepgram","voiceId":"luna","model":"aura-3"})"})
    EXPECT_THROW(voice.check(config(bad)), ApiError) << bad;
}

}  // namespace
}  // namespace sb::speech
