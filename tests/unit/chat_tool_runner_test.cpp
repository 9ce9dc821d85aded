// The chat engine's tool runner: `tool-calls` server messages through a fake Deliveries that
// the test answers (out of order, from other threads), and apiRequest tools through a real
// HttpClient against a small local HTTP server.
#include "runtime/chat/tool_runner.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/manual_clock.hpp"
#include "loopback_server.hpp"
#include "net/http_client.hpp"
#include "temp_database.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::chat {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

ToolInvocation invocation(std::string id, std::string name, std::string arguments,
                          std::string_view tool) {
  return {{std::move(id), std::move(name), std::move(arguments)}, obj(tool)};
}

// A `function` tool named `name`, with `server` (a JSON object) when it is not empty.
ToolInvocation function_call(std::string id, std::string name, std::string arguments,
                             std::string server = "") {
  std::string tool = R"({"type":"function","function":{"name":")" + name + R"("}})";
  if (!server.empty()) tool.insert(tool.size() - 1, R"(,"server":)" + server);
  return invocation(std::move(id), std::move(name), std::move(arguments), tool);
}

// Collects what `done` is given, and how often it is called.
class Collector {
 public:
  std::function<void(std::vector<ToolOutcome>)> callback() {
    return [this](std::vector<ToolOutcome> outcomes) {
      std::lock_guard lock(mutex_);
      ++calls_;
      outcomes_ = std::move(outcomes);
      changed_.notify_all();
    };
  }
  // The outcomes once `done` ran; a hang fails the test run.
  std::vector<ToolOutcome> wait() {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, 10s, [&] { return calls_ > 0; })) std::abort();
    return outcomes_;
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  std::vector<ToolOutcome> outcomes_;
};

// Records each synchronous request; the test answers them through `done`.
class FakeDeliveries final : public webhooks::Deliveries {
 public:
  struct Sent {
    webhooks::Destination to;
    json::object message;
    std::chrono::milliseconds deadline;
    std::function<void(webhooks::Reply)> done;
  };
  std::vector<Sent> sent;

  std::string enqueue(storage::Session&, const webhooks::Destination&, std::string_view,
                      json::object) override {
    ADD_FAILURE() << "tool calls are synchronous messages";
    return "";
  }
  webhooks::Cancel request(webhooks::Destination to, json::object message,
                           std::chrono::milliseconds deadline,
                           std::function<void(webhooks::Reply)> done) override {
    sent.push_back({std::move(to), std::move(message), deadline, std::move(done)});
    return [this] { ++cancelled; };
  }
  int cancelled = 0;
};

webhooks::Reply ok_reply(std::string_view body) {
  webhooks::Reply r;
  r.ok = true;
  r.status = 200;
  r.body = json::parse(body);
  return r;
}

webhooks::Reply failed_reply(int status, std::string error) {
  webhooks::Reply r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

class ChatToolRunnerTest : public ::testing::Test {
 protected:
  ChatToolRunnerTest() {
    context_.org_id = "org-1";
    context_.assistant = obj(R"({"name":"Weather bot","server":{"url":"http://assistant"}})");
    context_.chat = obj(R"({"id":"chat-1","sessionId":"session-1"})");
    context_.deadline = 7s;
  }

  // Runs `calls`; `done` has not necessarily run when this returns.
  void start(std::vector<ToolInvocation> calls) {
    runner_.run(context_, std::move(calls), collector_.callback());
  }

  ToolContext context_;
  FakeDeliveries deliveries_;
  net::HttpClient http_;
  ManualClock clock_;
  ToolRunner runner_{deliveries_, http_, clock_};
  Collector collector_;
};

TEST_F(ChatToolRunnerTest, OneToolCallsMessageCarriesEveryCallOfABatch) {
  context_.customer = obj(R"({"number":"+14155550100"})");
  const std::string server = R"({"url":"http://tools","timeoutSeconds":5})";
  start({function_call("call_1", "get_weather", R"({"city":"Paris"})", server),
         function_call("call_2", "get_time", "Paris, please", server)});

  ASSERT_EQ(deliveries_.sent.size(), 1u);
  const auto& sent = deliveries_.sent[0];
  EXPECT_EQ(sent.to.org_id, "org-1");
  EXPECT_EQ(sent.to.server, obj(server));
  EXPECT_EQ(sent.deadline, 7s);
  const json::object& m = sent.message;
  EXPECT_EQ(m.at("type"), "tool-calls");
  EXPECT_EQ(m.at("timestamp").to_number<EpochMs>(), clock_.wall_ms());
  const auto call_1 = json::parse(R"({"id":"call_1","type":"function",
      "function":{"name":"get_weather","arguments":{"city":"Paris"}}})");
  const auto call_2 = json::parse(R"({"id":"call_2","type":"function",
      "function":{"name":"get_time","arguments":"Paris, please"}})");
  EXPECT_EQ(m.at("toolCallList"), json::array({call_1, call_2}));
  const auto& with_calls = m.at("toolWithToolCallList").as_array();
  ASSERT_EQ(with_calls.size(), 2u);
  json::object tool_1 = obj(R"({"type":"function","function":{"name":"get_weather"}})");
  tool_1["server"] = obj(server);
  tool_1["toolCall"] = call_1;
  EXPECT_EQ(with_calls[0], tool_1);
  EXPECT_EQ(with_calls[1].at("toolCall"), call_2);
  EXPECT_EQ(m.at("chat"), json::parse(R"({"id":"chat-1","sessionId":"session-1"})"));
  EXPECT_EQ(m.at("assistant"), context_.assistant);
  EXPECT_EQ(m.at("customer"), json::parse(R"({"number":"+14155550100"})"));
  EXPECT_EQ(collector_.calls(), 0);  // it waits for the reply
}

TEST_F(ChatToolRunnerTest, EachCallGetsItsOwnResultByToolCallId) {
  start({function_call("c1", "a", "{}"), function_call("c2", "b", "{}"),
         function_call("c3", "c", "{}"), function_call("c4", "d", "{}"),
         function_call("c5", "e", "{}")});
  ASSERT_EQ(deliveries_.sent.size(), 1u);
  EXPECT_FALSE(deliveries_.sent[0].message.contains("customer"));
  deliveries_.sent[0].done(ok_reply(R"({"results":[
      {"toolCallId":"c3","name":"c","error":"city unknown"},
      {"toolCallId":"c2","result":{"temp":21,"sky":"clear"}},
      {"toolCallId":"c1","name":"a","result":"sunny"},
      {"toolCallId":"other","result":"not ours"},
      {"toolCallId":"c5","result":42}]})"));

  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_EQ(outcomes[0].tool_call_id, "c1");
  EXPECT_EQ(outcomes[0].name, "a");
  EXPECT_EQ(outcomes[0].content, "sunny");
  EXPECT_FALSE(outcomes[0].failed);
  EXPECT_EQ(json::parse(outcomes[1].content), json::parse(R"({"temp":21,"sky":"clear"})"));
  EXPECT_FALSE(outcomes[1].failed);
  EXPECT_EQ(outcomes[2].content, "Error: city unknown");
  EXPECT_TRUE(outcomes[2].failed);
  EXPECT_EQ(outcomes[3].tool_call_id, "c4");
  EXPECT_EQ(outcomes[3].content, "Error: the server's reply had no result for this tool call");
  EXPECT_TRUE(outcomes[3].failed);
  EXPECT_EQ(outcomes[4].content, "42");
  EXPECT_EQ(collector_.calls(), 1);
}

TEST_F(ChatToolRunnerTest, AReplyThatIsNotOkFailsEveryCallOfItsMessage) {
  start({function_call("c1", "a", "{}"), function_call("c2", "b", "{}")});
  ASSERT_EQ(deliveries_.sent.size(), 1u);
  deliveries_.sent[0].done(failed_reply(0, "timeout"));
  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.content, "Error: the tool's server did not answer: timeout");
    EXPECT_TRUE(o.failed);
  }
}

TEST_F(ChatToolRunnerTest, ANon2xxOrInvalidJsonReplySaysSo) {
  start({function_call("c1", "a", "{}", R"({"url":"http://one"})"),
         function_call("c2", "b", "{}", R"({"url":"http://two"})")});
  ASSERT_EQ(deliveries_.sent.size(), 2u);
  deliveries_.sent[0].done(failed_reply(500, "status 500"));
  deliveries_.sent[1].done(failed_reply(200, "invalid JSON"));
  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].content, "Error: the tool's server answered 500");
  EXPECT_EQ(outcomes[1].content, "Error: the tool's server answered invalid JSON");
  EXPECT_TRUE(outcomes[1].failed);
}

TEST_F(ChatToolRunnerTest, CallsGoToTheServerTheirToolPicksOneMessagePerServer) {
  context_.org_server = obj(R"({"url":"http://org"})");
  start({function_call("c1", "a", "{}", R"({"url":"http://tool-x"})"),
         function_call("c2", "b", "{}"),  // no server of its own: the assistant's
         function_call("c3", "c", "{}", R"({"url":"http://tool-x","headers":{"X":"1"}})")});
  ASSERT_EQ(deliveries_.sent.size(), 2u);
  const auto ids = [](const json::object& message) {
    std::vector<std::string> out;
    for (const auto& c : message.at("toolCallList").as_array())
      out.emplace_back(c.at("id").as_string());
    return out;
  };
  EXPECT_EQ(deliveries_.sent[0].to.server.at("url"), "http://tool-x");
  EXPECT_EQ(ids(deliveries_.sent[0].message), (std::vector<std::string>{"c1", "c3"}));
  EXPECT_EQ(deliveries_.sent[1].to.server.at("url"), "http://assistant");
  EXPECT_EQ(ids(deliveries_.sent[1].message), (std::vector<std::string>{"c2"}));

  // The replies come back on other threads, the later message first.
  std::thread([&] {
    deliveries_.sent[1].done(ok_reply(R"({"results":[{"toolCallId":"c2","result":"B"}]})"));
  }).join();
  EXPECT_EQ(collector_.calls(), 0);
  std::thread([&] {
    deliveries_.sent[0].done(ok_reply(
        R"({"results":[{"toolCallId":"c3","result":"C"},{"toolCallId":"c1","result":"A"}]})"));
  }).join();
  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].content, "A");
  EXPECT_EQ(outcomes[1].content, "B");
  EXPECT_EQ(outcomes[2].content, "C");
  EXPECT_EQ(collector_.calls(), 1);
}

TEST_F(ChatToolRunnerTest, TheOrgsServerIsTheLastResort) {
  context_.assistant = obj(R"({"name":"No server"})");
  context_.org_server = obj(R"({"url":"http://org"})");
  start({function_call("c1", "lookup", "{}")});
  ASSERT_EQ(deliveries_.sent.size(), 1u);
  EXPECT_EQ(deliveries_.sent[0].to.server, obj(R"({"url":"http://org"})"));
}

TEST_F(ChatToolRunnerTest, CallsThatCannotRunFailAtOnceWithoutAMessage) {
  context_.assistant = obj(R"({"name":"No server"})");
  start({function_call("c1", "lookup", "{}"),
         invocation("c2", "endCall", "{}", R"({"type":"endCall"})"),
         invocation("c3", "to_billing", "{}", R"({"type":"handoff","destinations":[]})"),
         function_call("c4", "blank", "{}", R"({"url":""})")});
  EXPECT_TRUE(deliveries_.sent.empty());
  ASSERT_EQ(collector_.calls(), 1);  // nothing to wait for
  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].content, "Error: no server URL is configured for tool lookup");
  EXPECT_EQ(outcomes[1].content, "Error: tool type endCall is not available in chats");
  EXPECT_EQ(outcomes[2].content, "Error: tool type handoff is not available in chats");
  EXPECT_EQ(outcomes[3].content, "Error: no server URL is configured for tool blank");
  for (const auto& o : outcomes) EXPECT_TRUE(o.failed);
}

TEST_F(ChatToolRunnerTest, OtherToolTypesWithAServerAreSentToIt) {
  start({invocation(
      "c1", "run_scenario", R"({"x":1})",
      R"({"type":"make","metadata":{"scenarioId":1},"server":{"url":"http://make"}})")});
  ASSERT_EQ(deliveries_.sent.size(), 1u);
  EXPECT_EQ(deliveries_.sent[0].to.server.at("url"), "http://make");
  EXPECT_EQ(deliveries_.sent[0].message.at("toolWithToolCallList").at(0).at("type"), "make");
}

TEST_F(ChatToolRunnerTest, AnEmptyBatchIsDoneAtOnce) {
  start({});
  EXPECT_EQ(collector_.calls(), 1);
  EXPECT_TRUE(collector_.wait().empty());
}

// ---- apiRequest tools against a local HTTP server ----

using Request = bhttp::request<bhttp::string_body>;

// What the server does with one request.
struct Answer {
  int status = 200;
  std::string body;
  int hold_until = 0;  // answers only once this many requests have arrived (up to 5 s)
  std::chrono::milliseconds delay{0};
};

// HTTP/1.1 on 127.0.0.1:<ephemeral>, one thread; records every request.
class TestServer {
 public:
  explicit TestServer(std::function<Answer(const Request&)> handler)
      : handler_(std::move(handler)) {}

  std::string url(std::string_view path) { return server_.url(path); }
  std::string host() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  static constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

  std::size_t arrived() {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    asio::steady_timer timer(socket.get_executor());
    for (;;) {
      Request request;
      auto [ec, n] = co_await bhttp::async_read(socket, buffer, request, kTuple);
      if (ec) co_return;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      const Answer answer = handler_(request);
      const auto give_up = Clock::now() + 5s;
      while (arrived() < static_cast<std::size_t>(answer.hold_until) && Clock::now() < give_up) {
        timer.expires_after(10ms);
        co_await timer.async_wait(kTuple);
      }
      timer.expires_after(answer.delay);
      co_await timer.async_wait(kTuple);
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(answer.status), 11};
      response.body() = answer.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      auto [wec, written] = co_await bhttp::async_write(socket, response, kTuple);
      if (wec || !request.keep_alive()) co_return;
    }
  }

  std::function<Answer(const Request&)> handler_;
  std::mutex mutex_;
  std::vector<Request> requests_;
  // Last: it serves as soon as it is made, from the members above.
  test::LoopbackServer server_{[this](tcp::socket s) { return serve(std::move(s)); }};
};

Answer answer(int status, std::string body) {
  return {status, std::move(body)};
}

// An apiRequest tool; `extra` is more JSON members (",\"headers\":...") or "".
ToolInvocation api_call(std::string id, std::string arguments, std::string_view method,
                        const std::string& url, std::string_view extra = "") {
  std::string tool = R"({"type":"apiRequest","name":"api","method":")" + std::string(method) +
                     R"(","url":)" + json::serialize(json::string(url)) + std::string(extra) + "}";
  return invocation(std::move(id), "api", std::move(arguments), tool);
}

TEST_F(ChatToolRunnerTest, ApiRequestPostsTheArgumentsToTheRenderedUrlWithTheSchemasHeaders) {
  TestServer server([](const Request&) { return answer(201, R"({"order":"created"})"); });
  start({api_call("c1", R"({"orderId":"A 7","qty":2})", "POST", server.url("/orders/{{orderId}}"),
                  R"(,"headers":{"type":"object","properties":{
                       "X-Api-Key":{"type":"string","value":"secret"},
                       "X-Order":{"type":"string","value":"order-{{orderId}}"},
                       "X-Described":{"type":"string","description":"no value, not sent"}}})")});
  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].content, R"({"order":"created"})");
  EXPECT_FALSE(outcomes[0].failed);
  EXPECT_EQ(outcomes[0].name, "api");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const Request& seen = requests[0];
  EXPECT_EQ(seen.method(), bhttp::verb::post);
  EXPECT_EQ(seen.target(), "/orders/A%207");
  EXPECT_EQ(seen["X-Api-Key"], "secret");
  EXPECT_EQ(seen["X-Order"], "order-A 7");
  EXPECT_EQ(seen.count("X-Described"), 0u);
  EXPECT_EQ(seen[bhttp::field::content_type], "application/json");
  EXPECT_EQ(json::parse(seen.body()), json::parse(R"({"orderId":"A 7","qty":2})"));
  EXPECT_TRUE(deliveries_.sent.empty());
}

TEST_F(ChatToolRunnerTest, ApiRequestGetSendsTheArgumentsAsQueryParameters) {
  TestServer server([](const Request&) { return answer(200, "18 degrees"); });
  start({api_call("c1", R"({"city":"São Paulo","days":3})", "GET",
                  server.url("/weather?units=metric"))});
  EXPECT_EQ(collector_.wait().at(0).content, "18 degrees");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method(), bhttp::verb::get);
  EXPECT_EQ(requests[0].target(), "/weather?units=metric&city=S%C3%A3o%20Paulo&days=3");
  EXPECT_EQ(requests[0].body(), "");
}

TEST_F(ChatToolRunnerTest, ApiRequestNon2xxTellsTheModelTheHostStatusAndBody) {
  TestServer server([](const Request& r) {
    if (r.target() == "/long") return answer(502, std::string(1000, 'x'));
    return answer(404, "no such order");
  });
  start({api_call("c1", "{}", "DELETE", server.url("/orders/9")),
         api_call("c2", "{}", "PUT", server.url("/long"))});
  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].content, "Error: " + server.host() + " answered 404: no such order");
  EXPECT_TRUE(outcomes[0].failed);
  EXPECT_EQ(outcomes[1].content,
            "Error: " + server.host() + " answered 502: " + std::string(300, 'x'));
}

TEST_F(ChatToolRunnerTest, ApiRequestThatGetsNoAnswerSaysWhy) {
  std::string closed_url;
  {
    asio::io_context ioc;
    tcp::acceptor probe(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    closed_url = "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port()) + "/x";
  }
  start({api_call("c1", "{}", "POST", closed_url)});
  const auto outcomes = collector_.wait();
  EXPECT_EQ(outcomes.at(0).content, "Error: request failed: connection refused");
  EXPECT_TRUE(outcomes.at(0).failed);
}

TEST_F(ChatToolRunnerTest, ApiRequestIsCutShortByTheBatchDeadline) {
  TestServer server([](const Request&) {
    Answer a = answer(200, "late");
    a.delay = 3s;
    return a;
  });
  context_.deadline = 300ms;  // the tool's own timeout is the default 20 s
  const auto started = Clock::now();
  start({api_call("c1", "{}", "GET", server.url("/slow"))});
  const auto outcomes = collector_.wait();
  EXPECT_EQ(outcomes.at(0).content, "Error: request failed: timeout");
  EXPECT_LT(Clock::now() - started, 2s);
}

TEST_F(ChatToolRunnerTest, CancellingTheBatchCutsItsApiRequestsAtOnce) {
  TestServer server([](const Request&) {
    Answer a = answer(200, "late");
    a.delay = 5s;  // longer than the test may take
    return a;
  });
  auto cancel = runner_.run(context_, {api_call("c1", "{}", "GET", server.url("/slow"))},
                            collector_.callback());
  // The request is in: the exchange waits for the head.
  ASSERT_TRUE(test::eventually([&] { return server.requests().size() == 1; }));
  const auto cancelled = Clock::now();
  cancel();
  const auto outcomes = collector_.wait();
  EXPECT_LT(Clock::now() - cancelled, 1s);
  EXPECT_EQ(outcomes.at(0).content, "Error: request failed: cancelled");
  cancel();  // a second cut, and one after the end, change nothing
  EXPECT_EQ(collector_.calls(), 1);
}

TEST_F(ChatToolRunnerTest, CancellingTheBatchCutsItsServerRequestsToo) {
  auto cancel = runner_.run(context_, {function_call("c1", "fn", "{}")}, collector_.callback());
  ASSERT_EQ(deliveries_.sent.size(), 1u);
  EXPECT_EQ(deliveries_.cancelled, 0);
  cancel();
  EXPECT_EQ(deliveries_.cancelled, 1);
  // The dispatcher answers a cut request with a failed reply, which settles the call.
  deliveries_.sent[0].done(failed_reply(0, "cancelled"));
  EXPECT_EQ(collector_.wait().size(), 1u);
}

TEST_F(ChatToolRunnerTest, ApiRequestCallsRunTogetherAndComeBackInOrder) {
  // The first request is answered only after the second has arrived, and later than it: run
  // one after the other, the first would time out.
  TestServer server([](const Request& r) {
    if (r.target() == "/first") {
      Answer a = answer(200, "first");
      a.hold_until = 2;
      a.delay = 100ms;
      return a;
    }
    return answer(200, "second");
  });
  start({api_call("c1", "{}", "GET", server.url("/first"), R"(,"timeoutSeconds":3)"),
         function_call("c2", "fn", "{}"),
         api_call("c3", "{}", "GET", server.url("/second"), R"(,"timeoutSeconds":3)")});
  ASSERT_EQ(deliveries_.sent.size(), 1u);
  deliveries_.sent[0].done(ok_reply(R"({"results":[{"toolCallId":"c2","result":"middle"}]})"));
  const auto outcomes = collector_.wait();
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].tool_call_id, "c1");
  EXPECT_EQ(outcomes[0].content, "first");
  EXPECT_EQ(outcomes[1].content, "middle");
  EXPECT_EQ(outcomes[2].content, "second");
  EXPECT_EQ(collector_.calls(), 1);
}

TEST_F(ChatToolRunnerTest, ApiRequestWithArgumentsThatAreNotAnObjectIsNotSent) {
  TestServer server([](const Request&) { return answer(200, "ok"); });
  start({api_call("c1", "[1,2]", "POST", server.url("/x"))});
  EXPECT_EQ(collector_.wait().at(0).content, "Error: the arguments are not a JSON object: [1,2]");
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace sb::chat
