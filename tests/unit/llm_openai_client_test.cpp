// Completions through LlmClient against a small local server that streams a scripted answer:
// deltas as they arrive, error mapping, timeouts, refused connections and cancellation.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "llm_openai_fixtures.hpp"
#include "loopback_server.hpp"
#include "net/http_client.hpp"
#include "runtime/llm/failures.hpp"
#include "runtime/llm/llm_client.hpp"
#include "runtime/llm/openai_adapter.hpp"

namespace sb::llm {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using namespace test;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// What the server answers to each request.
struct Script {
  int status = 200;
  std::string content_type = "text/event-stream";
  std::vector<std::string> pieces;  // each written as one chunk of a chunked body
  bool silent = false;              // reads the request, never answers
  bool finish_body = true;          // false: closes without the chunked body's end
  /// When valid, awaited (up to 5 s) after the first piece, before the others.
  std::shared_future<void> gate;
};

Script answer(std::vector<std::string> pieces, int status = 200,
              std::string content_type = "text/event-stream") {
  Script script;
  script.status = status;
  script.content_type = std::move(content_type);
  script.pieces = std::move(pieces);
  return script;
}

using Request = bhttp::request<bhttp::string_body>;

class ScriptedServer {
 public:
  explicit ScriptedServer(Script script) : script_(std::move(script)) {}

  std::string base_url() const { return server_.url("/v1"); }
  Request last_request() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  /// The gate was opened while the server waited at it (not after its 5 s ran out).
  bool gate_opened_in_time() const { return gate_opened_; }

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
    if (script_.silent) {
      asio::steady_timer never(socket.get_executor(), 1h);
      co_await never.async_wait(kTuple);
      co_return;
    }
    std::string head = "HTTP/1.1 " + std::to_string(script_.status) +
                       " Scripted\r\nContent-Type: " + script_.content_type +
                       "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if (!co_await send(socket, head)) co_return;
    for (std::size_t i = 0; i < script_.pieces.size(); ++i) {
      if (i == 1 && script_.gate.valid())
        gate_opened_ = script_.gate.wait_for(5s) == std::future_status::ready;
      const auto& piece = script_.pieces[i];
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      if (!co_await send(socket, size + piece + "\r\n")) co_return;
    }
    if (script_.finish_body) co_await send(socket, "0\r\n\r\n");
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
  std::atomic<bool> gate_opened_{false};
  // Last: it serves as soon as it is made, from the members above.
  sb::test::LoopbackServer server_{[this](tcp::socket s) { return serve(std::move(s)); }};
};

// What the callbacks of one stream saw.
struct Outcome {
  std::mutex mutex;
  std::condition_variable settled_cv;
  std::vector<std::string> deltas;
  std::optional<Completion> completion;
  std::optional<Failure> failure;
  int settled = 0;

  bool wait(std::chrono::seconds limit = 15s) {
    std::unique_lock lock(mutex);
    return settled_cv.wait_for(lock, limit, [&] { return settled > 0; });
  }
};

/// Callbacks recording into `outcome`; `on_delta` decides whether to go on (default: yes).
StreamCallbacks record(const std::shared_ptr<Outcome>& outcome,
                       std::function<bool(std::string_view)> on_delta = {}) {
  StreamCallbacks callbacks;
  callbacks.on_delta = [outcome, on_delta](std::string_view text) {
    {
      std::lock_guard lock(outcome->mutex);
      outcome->deltas.emplace_back(text);
    }
    return on_delta ? on_delta(text) : true;
  };
  callbacks.on_complete = [outcome](Completion c) {
    std::lock_guard lock(outcome->mutex);
    outcome->completion = std::move(c);
    ++outcome->settled;
    outcome->settled_cv.notify_all();
  };
  callbacks.on_failure = [outcome](Failure f) {
    std::lock_guard lock(outcome->mutex);
    outcome->failure = std::move(f);
    ++outcome->settled;
    outcome->settled_cv.notify_all();
  };
  return callbacks;
}

// Streams `request` and waits for its end; the client is stopped before returning, so any
// second settlement would have happened by then.
std::shared_ptr<Outcome> run(CompletionRequest request,
                             std::function<bool(std::string_view)> on_delta = {}) {
  auto outcome = std::make_shared<Outcome>();
  net::HttpClient http;
  LlmClient(http).stream(std::move(request), record(outcome, std::move(on_delta)));
  EXPECT_TRUE(outcome->wait());
  http.stop();
  EXPECT_EQ(outcome->settled, 1);
  return outcome;
}

TEST(LlmOpenAiClient, StreamsACompletionWithToolCallsAndUsage) {
  ScriptedServer server(answer({
      ": keep-alive\n\n" + text_chunk("Let me "),
      text_chunk("check.") + tool_chunk({tool_fragment(0, "call_1", "lookup", "{\"q\":")}),
      tool_chunk({tool_fragment(0, "", "", "\"x\"}")}) + finish_chunk("tool_calls") +
          usage_chunk(20, 9) + kDone,
  }));
  const auto outcome = run(basic_request(server.base_url()));
  ASSERT_TRUE(outcome->completion) << outcome->failure->message;
  EXPECT_EQ(outcome->deltas, (std::vector<std::string>{"Let me ", "check."}));
  const auto& c = *outcome->completion;
  EXPECT_EQ(c.text, "Let me check.");
  ASSERT_EQ(c.tool_calls.size(), 1u);
  EXPECT_EQ(c.tool_calls[0].id, "call_1");
  EXPECT_EQ(c.tool_calls[0].arguments, "{\"q\":\"x\"}");
  EXPECT_EQ(c.finish_reason, "tool_calls");
  EXPECT_EQ(c.usage.prompt_tokens, 20);
  EXPECT_EQ(c.usage.completion_tokens, 9);

  const auto request = server.last_request();
  EXPECT_EQ(request.target(), "/v1/chat/completions");
  EXPECT_EQ(request[bhttp::field::authorization], "Bearer sk-test");
  const auto body = json::parse(request.body());
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(body.at("model"), "gpt-4o-mini");
}

// The first delta reaches the caller while the server still holds the rest of the answer.
TEST(LlmOpenAiClient, DeltasArriveBeforeTheStreamEnds) {
  std::promise<void> first_delta;
  std::atomic<bool> opened{false};
  auto script = answer({text_chunk("Hel"), text_chunk("lo") + kDone});
  script.gate = first_delta.get_future().share();
  ScriptedServer server(script);
  const auto outcome = run(basic_request(server.base_url()), [&](std::string_view) {
    if (!opened.exchange(true)) first_delta.set_value();
    return true;
  });
  ASSERT_TRUE(outcome->completion);
  EXPECT_EQ(outcome->completion->text, "Hello");
  EXPECT_TRUE(server.gate_opened_in_time());
}

TEST(LlmOpenAiClient, AnUpstreamErrorNamesTheProviderAndItsMessage) {
  ScriptedServer server(answer({R"({"error":{"message":"Incorrect API key provided: sk-test.",)"
                                R"("type":"invalid_request_error","code":"invalid_api_key"}})"},
                               401, "application/json"));
  auto request = basic_request(server.base_url());
  request.provider = "groq";
  const auto outcome = run(request);
  ASSERT_TRUE(outcome->failure);
  EXPECT_EQ(outcome->failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(outcome->failure->message, "groq answered 401: Incorrect API key provided: sk-test.");
  EXPECT_EQ(outcome->failure->status, 401);
  EXPECT_TRUE(outcome->deltas.empty());
}

TEST(LlmOpenAiClient, ARefusedConnectionIsNoAnswer) {
  std::string base_url;
  {
    asio::io_context ioc;
    tcp::acceptor closed(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    base_url = "http://127.0.0.1:" + std::to_string(closed.local_endpoint().port()) + "/v1";
  }
  const auto outcome = run(basic_request(base_url));
  ASSERT_TRUE(outcome->failure);
  EXPECT_EQ(outcome->failure->code, ErrorCode::kGatewayTimeout);
  EXPECT_EQ(outcome->failure->message, "openai did not answer: connection refused");
}

TEST(LlmOpenAiClient, AServerThatNeverAnswersTimesOut) {
  auto script = answer({});
  script.silent = true;
  ScriptedServer server(script);
  auto request = basic_request(server.base_url());
  request.head_timeout = 300ms;
  const auto outcome = run(request);
  ASSERT_TRUE(outcome->failure);
  EXPECT_EQ(outcome->failure->code, ErrorCode::kGatewayTimeout);
  EXPECT_EQ(outcome->failure->message, "openai did not answer: timeout");
}

TEST(LlmOpenAiClient, ADeltaCallbackReturningFalseCancelsAtOnce) {
  std::promise<void> release;  // the rest of the answer waits until the test is over
  auto script = answer({text_chunk("Hello"), text_chunk(" there") + kDone});
  script.gate = release.get_future().share();
  ScriptedServer server(script);
  const auto started = std::chrono::steady_clock::now();
  const auto outcome =
      run(basic_request(server.base_url()), [](std::string_view) { return false; });
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);  // not at the answer's end
  release.set_value();
  EXPECT_FALSE(outcome->completion);
  ASSERT_TRUE(outcome->failure);
  EXPECT_EQ(outcome->failure->message, "cancelled");
  EXPECT_EQ(outcome->deltas, std::vector<std::string>{"Hello"});
}

TEST(LlmOpenAiClient, AServerThatIgnoresStreamGivesOneDeltaAndTheCompletion) {
  ScriptedServer server(
      answer({R"({"id":"x","object":"chat.completion","choices":[{"index":0,)",
              R"("message":{"role":"assistant","content":"Hi there."},"finish_reason":"stop"}],)"
              R"("usage":{"prompt_tokens":3,"completion_tokens":2}})"},
             200, "application/json"));
  auto request = basic_request(server.base_url());
  request.provider = "custom-llm";
  request.api_key.clear();
  const auto outcome = run(request);
  ASSERT_TRUE(outcome->completion) << outcome->failure->message;
  EXPECT_EQ(outcome->deltas, std::vector<std::string>{"Hi there."});
  EXPECT_EQ(outcome->completion->text, "Hi there.");
  EXPECT_EQ(outcome->completion->usage.prompt_tokens, 3);
  EXPECT_EQ(server.last_request()[bhttp::field::authorization], "");
}

TEST(LlmOpenAiClient, AStreamThatStopsShortIsInvalid) {
  ScriptedServer without_done(answer({text_chunk("Hel"), text_chunk("lo")}));
  auto outcome = run(basic_request(without_done.base_url()));
  ASSERT_TRUE(outcome->failure);
  EXPECT_EQ(outcome->failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(outcome->failure->message, "openai sent an invalid stream: it ended before [DONE]");

  ScriptedServer garbage(answer({"data: {\"choices\": [tru"}));
  outcome = run(basic_request(garbage.base_url()));
  ASSERT_TRUE(outcome->failure);
  EXPECT_EQ(outcome->failure->message, "openai sent an invalid stream: a chunk is not JSON");

  // A hand-written server that ends on "data: [DONE]\n", without the blank line, is whole.
  ScriptedServer sloppy(answer({text_chunk("Hi"), "data: [DONE]\n"}));
  outcome = run(basic_request(sloppy.base_url()));
  ASSERT_TRUE(outcome->completion) << outcome->failure->message;
  EXPECT_EQ(outcome->completion->text, "Hi");
}

// A stream the server breaks off, after some deltas, is not a completion.
TEST(LlmOpenAiClient, AStreamCutOffMidwayIsInvalid) {
  auto script = answer({text_chunk("Hel")});
  script.finish_body = false;
  ScriptedServer server(script);
  const auto outcome = run(basic_request(server.base_url()));
  ASSERT_TRUE(outcome->failure);
  EXPECT_EQ(outcome->failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(outcome->failure->message, "openai sent an invalid stream: connection closed");
  EXPECT_EQ(outcome->deltas, std::vector<std::string>{"Hel"});
}

TEST(LlmOpenAiClient, UnknownProvidersAndMissingBaseUrlsFailAtOnce) {
  net::HttpClient http;
  LlmClient client(http);
  auto outcome = std::make_shared<Outcome>();
  auto request = basic_request();
  request.provider = "google";
  client.stream(request, record(outcome));
  ASSERT_EQ(outcome->settled, 1);
  EXPECT_EQ(outcome->failure->message,
            "unsupported LLM provider \"google\"; supported: " + supported_providers());

  outcome = std::make_shared<Outcome>();
  request.provider = "custom-llm";
  request.base_url.clear();
  client.stream(request, record(outcome));
  ASSERT_EQ(outcome->settled, 1);
  EXPECT_EQ(outcome->failure->message, "custom-llm has no base URL to call");
}

}  // namespace
}  // namespace sb::llm
