// The engine over the real model (LlmModel → LlmClient → HttpClient) against a local provider
// that stalls: before its head, or after the first delta. Cancelling the turn reports what it
// produced at once and cuts the upstream exchange at once — the provider sees its connection
// closed long before the request's 30 s timeouts.

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "llm_openai_fixtures.hpp"
#include "loopback_server.hpp"
#include "net/http_client.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/chat/model.hpp"
#include "scripted_model.hpp"
#include "temp_database.hpp"

namespace sb::chat {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A provider that reads the request, sends `head_and_body` (nothing: it never answers), then
// holds the connection open until the client closes it.
class StallingProvider {
 public:
  explicit StallingProvider(std::string head_and_body) : answer_(std::move(head_and_body)) {}

  std::string base_url() const { return server_.url("/v1"); }
  bool asked() const { return asked_; }
  bool closed_by_client() const { return closed_; }

 private:
  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [rec, n] = co_await bhttp::async_read(socket, buffer, request, kTuple);
    if (rec) co_return;
    asked_ = true;
    if (!answer_.empty()) co_await asio::async_write(socket, asio::buffer(answer_), kTuple);
    char byte;
    auto [eof, got] = co_await socket.async_read_some(asio::buffer(&byte, 1), kTuple);
    closed_ = eof.failed();
  }

  std::string answer_;
  std::atomic<bool> asked_{false};
  std::atomic<bool> closed_{false};
  // Last: it serves as soon as it is made, from the members above.
  sb::test::LoopbackServer server_{[this](tcp::socket s) { return serve(std::move(s)); }};
};

// The head of a streamed answer and its first text delta, as one chunk; no end.
std::string first_delta(std::string_view text) {
  const auto event = llm::test::text_chunk(text);
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", event.size());
  return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: "
         "chunked\r\n\r\n" +
         std::string(size) + event + "\r\n";
}

class ChatLlmModelTest : public ::testing::Test {
 protected:
  std::shared_ptr<TurnHandle> start(const StallingProvider& provider) {
    Conversation c;
    c.org_id = "org-1";
    c.chat = {{"id", "chat-1"}};
    ResolvedAssistant a;
    a.name = "a";
    a.assistant =
        json::parse(R"({"name":"a","model":{"provider":"openai","model":"gpt-4o"}})").as_object();
    c.assistants.push_back(std::move(a));
    c.input = json::array{json::object{{"role", "user"}, {"content", "Hi"}}};
    c.access = [url = provider.base_url()](const ModelSetup&) {
      return ModelAccess{url, "key", 30s};
    };
    ChatEvents events;
    events.on_delta = [this](std::size_t, std::string_view delta) {
      std::lock_guard lock(mutex_);
      deltas_ += delta;
      return true;
    };
    events.on_done = [this](ChatResult) { ++terminal_; };
    events.on_failure = [this](ChatFailure) { ++terminal_; };
    events.on_cancelled = [this](ChatResult partial) {
      ++terminal_;
      cancelled_ = json::serialize(partial.output);
    };
    return engine_.run(std::move(c), std::move(events));
  }
  std::string deltas() {
    std::lock_guard lock(mutex_);
    return deltas_;
  }

  net::HttpClient http_;
  llm::LlmClient client_{http_};
  LlmModel model_{client_};
  testing::ScriptedTools tools_;
  ChatEngine engine_{model_, tools_};
  std::mutex mutex_;
  std::string deltas_;
  std::atomic<int> terminal_{0};
  std::optional<std::string> cancelled_;  // set on the cancelling thread
};

TEST_F(ChatLlmModelTest, CancelBeforeTheHeadCutsTheExchangeAtOnce) {
  StallingProvider provider("");
  auto turn = start(provider);
  ASSERT_TRUE(test::eventually([&] { return provider.asked(); }));
  const auto cancelled = SteadyClock::now();
  turn->cancel();
  ASSERT_TRUE(cancelled_);  // reported before cancel() returned
  EXPECT_EQ(*cancelled_, "[]");
  EXPECT_TRUE(test::eventually([&] { return provider.closed_by_client(); }, 2s));
  EXPECT_LT(SteadyClock::now() - cancelled, 2s);
  http_.stop();  // the exchange's own end ("cancelled") has been delivered, and not heard
  EXPECT_EQ(terminal_, 1);
}

TEST_F(ChatLlmModelTest, CancelMidStreamKeepsThePartialAnswerAndCutsTheExchange) {
  StallingProvider provider(first_delta("Hel"));
  auto turn = start(provider);
  ASSERT_TRUE(test::eventually([&] { return deltas() == "Hel"; }));
  turn->cancel();
  ASSERT_TRUE(cancelled_);
  EXPECT_EQ(*cancelled_, R"([{"role":"assistant","content":"Hel"}])");
  EXPECT_TRUE(test::eventually([&] { return provider.closed_by_client(); }, 2s));
  http_.stop();
  EXPECT_EQ(terminal_, 1);
}

}  // namespace
}  // namespace sb::chat
