// The conversation engine over a scripted model and scripted tools: answers, tool rounds,
// handoffs, failures, and cancellation at each point a turn can be at — before the model's
// first byte, mid-stream, during tool calls, between rounds. The engine has no time of its
// own (timeouts belong to the model and the tools): the tests play the provider and the tool
// server by hand, step by step, and a host's timer on a ManualClock (a caller barging in at
// a given moment, as a phone call's host would) cancels the turn where it stands.

#include "runtime/chat/chat_engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/manual_clock.hpp"
#include "scripted_model.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;
using testing::ScriptedModel;
using testing::ScriptedTools;

ResolvedAssistant assistant(std::string name, std::string tools_json = "[]") {
  ResolvedAssistant a;
  a.name = name;
  a.id = "id-" + name;
  a.assistant =
      json::parse(R"({"name":")" + name + R"(","model":{"provider":"openai","model":"gpt-4o"}})")
          .as_object();
  a.tools = json::parse(tools_json).as_array();
  return a;
}

const char* kLookup =
    R"([{"type":"function","function":{"name":"lookup"},"server":{"url":"http://tools"}}])";

Conversation conversation(std::vector<ResolvedAssistant> assistants) {
  Conversation c;
  c.org_id = "org-1";
  c.chat = {{"id", "chat-1"}};
  c.assistants = std::move(assistants);
  c.input = json::array{json::object{{"role", "user"}, {"content", "Hi"}}};
  c.access = [](const ModelSetup&) { return ModelAccess{"http://model", "key", {}}; };
  return c;
}

llm::ToolCall call(std::string id, std::string name, std::string arguments = "{}") {
  return {std::move(id), std::move(name), std::move(arguments)};
}

// What the host heard, in order.
struct Host {
  std::vector<std::string> log;
  std::optional<ChatResult> done, cancelled;
  std::optional<ChatFailure> failure;
  int terminal = 0;
  std::function<void()> on_tool_finished;  // what the host does then (e.g. cancel)

  ChatEvents events() {
    ChatEvents e;
    e.on_delta = [this](std::size_t i, std::string_view d) {
      log.push_back("delta " + std::to_string(i) + " " + std::string(d));
      return true;
    };
    e.on_tool_started = [this](std::size_t i, const llm::ToolCall& c) {
      log.push_back("tool started " + std::to_string(i) + " " + c.name);
    };
    e.on_tool_finished = [this](std::size_t i, const ToolOutcome& o) {
      log.push_back("tool finished " + std::to_string(i) + " " + o.content);
      if (on_tool_finished) on_tool_finished();
    };
    e.on_handoff = [this](std::size_t from, std::size_t to) {
      log.push_back("handoff " + std::to_string(from) + " " + std::to_string(to));
    };
    e.on_done = [this](ChatResult r) {
      ++terminal;
      done = std::move(r);
    };
    e.on_failure = [this](ChatFailure f) {
      ++terminal;
      failure = std::move(f);
    };
    e.on_cancelled = [this](ChatResult r) {
      ++terminal;
      cancelled = std::move(r);
    };
    return e;
  }
};

class ChatEngineTest : public ::testing::Test {
 protected:
  ScriptedModel model_;
  ScriptedTools tools_;
  ChatEngine engine_{model_, tools_};
  Host host_;
  ManualClock clock_;

  // The host cancels `turn` once `after` has passed on the clock.
  void cancel_after(const std::shared_ptr<TurnHandle>& turn, std::chrono::milliseconds after) {
    clock_.wake_at(clock_.steady_now() + after, [turn] { turn->cancel(); });
  }
};

using std::chrono::milliseconds;

TEST_F(ChatEngineTest, AnswersInTextAndReportsDeltas) {
  engine_.run(conversation({assistant("a")}), host_.events());
  ASSERT_EQ(model_.exchanges.size(), 1u);
  EXPECT_EQ(model_.last().request.provider, "openai");
  EXPECT_TRUE(model_.last().delta("Hel"));
  EXPECT_TRUE(model_.last().delta("lo"));
  model_.last().complete("Hello");
  ASSERT_TRUE(host_.done);
  EXPECT_EQ(host_.terminal, 1);
  EXPECT_EQ(json::serialize(host_.done->output), R"([{"role":"assistant","content":"Hello"}])");
  EXPECT_EQ(host_.log, (std::vector<std::string>{"delta 0 Hel", "delta 0 lo"}));
}

TEST_F(ChatEngineTest, RunsToolsThenAnswersWithEventsInOrder) {
  engine_.run(conversation({assistant("a", kLookup)}), host_.events());
  model_.last().complete("", {call("c1", "lookup")});
  ASSERT_EQ(tools_.batches.size(), 1u);
  EXPECT_EQ(tools_.batches[0].calls[0].call.name, "lookup");
  tools_.finish("42");
  ASSERT_EQ(model_.exchanges.size(), 2u);
  EXPECT_EQ(model_.last().request.messages.back().as_object().at("content"), "42");
  model_.last().delta("It is 42");
  model_.last().complete("It is 42");
  ASSERT_TRUE(host_.done);
  EXPECT_EQ(host_.done->output.size(), 3u);
  EXPECT_EQ(host_.log, (std::vector<std::string>{"tool started 1 lookup", "tool finished 1 42",
                                                 "delta 2 It is 42"}));
}

TEST_F(ChatEngineTest, AHostCanHoldTheToolsUntilItLetsThemGo) {
  std::function<void()> held;
  auto events = host_.events();
  events.before_tools = [&](std::function<void()> go) { held = std::move(go); };
  engine_.run(conversation({assistant("a", kLookup)}), std::move(events));
  model_.last().complete("", {call("c1", "lookup")});
  EXPECT_EQ(host_.log, std::vector<std::string>{"tool started 1 lookup"});
  ASSERT_TRUE(held);
  EXPECT_TRUE(tools_.batches.empty());
  held();
  ASSERT_EQ(tools_.batches.size(), 1u);
  held();  // once only
  EXPECT_EQ(tools_.batches.size(), 1u);
  tools_.finish("42");
  model_.last().complete("It is 42");
  EXPECT_TRUE(host_.done);
}

TEST_F(ChatEngineTest, ToolsHeldWhenTheTurnIsCancelledNeverRun) {
  std::function<void()> held;
  auto events = host_.events();
  events.before_tools = [&](std::function<void()> go) { held = std::move(go); };
  auto turn = engine_.run(conversation({assistant("a", kLookup)}), std::move(events));
  model_.last().complete("", {call("c1", "lookup")});
  turn->cancel();
  ASSERT_TRUE(host_.cancelled);
  held();
  EXPECT_TRUE(tools_.batches.empty());
  EXPECT_EQ(host_.terminal, 1);
}

TEST_F(ChatEngineTest, HandsOffToASquadMember) {
  auto first = assistant("a");
  first.squad_destinations =
      json::parse(R"([{"type":"assistant","assistantName":"b"}])").as_array();
  engine_.run(conversation({first, assistant("b")}), host_.events());
  const auto name = model_.last().request.tools.at(0).at("function").at("name").as_string();
  model_.last().complete("", {call("c1", std::string(name))});
  EXPECT_TRUE(tools_.batches.empty());  // the engine answers a handoff itself
  ASSERT_EQ(model_.exchanges.size(), 2u);
  model_.last().complete("I am b");
  ASSERT_TRUE(host_.done);
  EXPECT_EQ(host_.done->assistant, 1u);
  EXPECT_EQ(host_.log.back(), "handoff 0 1");
}

TEST_F(ChatEngineTest, AProviderFailureCarriesItsEndedReason) {
  engine_.run(conversation({assistant("a")}), host_.events());
  model_.last().fail(ErrorCode::kGatewayTimeout, "openai did not answer in time");
  ASSERT_TRUE(host_.failure);
  EXPECT_EQ(host_.failure->code, ErrorCode::kGatewayTimeout);
  EXPECT_EQ(host_.failure->ended_reason, "pipeline-error-openai-llm-failed");
  EXPECT_EQ(host_.terminal, 1);
}

TEST_F(ChatEngineTest, AProviderErrorStatusNamesItsReason) {
  engine_.run(conversation({assistant("a")}), host_.events());
  model_.last().fail(ErrorCode::kBadGateway, "openai answered 401: Incorrect API key", 401);
  ASSERT_TRUE(host_.failure);
  EXPECT_EQ(host_.failure->ended_reason, "pipeline-error-openai-401-unauthorized");
}

TEST_F(ChatEngineTest, AnAssistantThatCannotRunIsNotValid) {
  auto c = conversation({assistant("a")});
  c.access = [](const ModelSetup&) -> ModelAccess { throw ApiError::bad_request("no key"); };
  engine_.run(std::move(c), host_.events());
  ASSERT_TRUE(host_.failure);
  EXPECT_EQ(host_.failure->ended_reason, "assistant-not-valid");
  EXPECT_TRUE(model_.exchanges.empty());
}

// Cancellation, at each point.

TEST_F(ChatEngineTest, CancelBeforeTheFirstByte) {
  auto turn = engine_.run(conversation({assistant("a")}), host_.events());
  cancel_after(turn, milliseconds(300));
  clock_.advance(milliseconds(299));
  EXPECT_FALSE(host_.cancelled);
  EXPECT_EQ(model_.last().cancels, 0);
  clock_.advance(milliseconds(1));
  ASSERT_TRUE(host_.cancelled);
  EXPECT_EQ(model_.last().cancels, 1);
  EXPECT_TRUE(host_.cancelled->output.empty());
  // The exchange's late end is not heard; a second cancel does nothing.
  EXPECT_FALSE(model_.last().delta("late"));
  model_.last().fail(ErrorCode::kBadGateway, "cancelled");
  turn->cancel();
  EXPECT_EQ(host_.terminal, 1);
  EXPECT_FALSE(host_.failure);
  EXPECT_TRUE(host_.log.empty());
}

TEST_F(ChatEngineTest, CancelMidStreamKeepsThePartialAnswer) {
  auto turn = engine_.run(conversation({assistant("a")}), host_.events());
  cancel_after(turn, milliseconds(500));
  model_.last().delta("Hel");
  clock_.advance(milliseconds(200));
  model_.last().delta("lo wor");
  clock_.advance(milliseconds(300));
  EXPECT_EQ(model_.last().cancels, 1);
  EXPECT_FALSE(model_.last().delta("ld"));  // the upstream is told to stop
  model_.last().complete("Hello world");
  ASSERT_TRUE(host_.cancelled);
  EXPECT_EQ(host_.terminal, 1);
  EXPECT_EQ(json::serialize(host_.cancelled->output),
            R"([{"role":"assistant","content":"Hello wor"}])");
}

TEST_F(ChatEngineTest, ADeltaCallbackAnsweringFalseCancels) {
  auto events = host_.events();
  events.on_delta = [](std::size_t, std::string_view) { return false; };
  engine_.run(conversation({assistant("a")}), std::move(events));
  EXPECT_FALSE(model_.last().delta("Hi"));
  ASSERT_TRUE(host_.cancelled);
  EXPECT_EQ(json::serialize(host_.cancelled->output), R"([{"role":"assistant","content":"Hi"}])");
}

TEST_F(ChatEngineTest, CancelDuringToolCallsAnswersThemCancelled) {
  auto turn = engine_.run(conversation({assistant("a", kLookup)}), host_.events());
  cancel_after(turn, milliseconds(1'000));
  model_.last().complete("Let me look", {call("c1", "lookup"), call("c2", "nope")});
  ASSERT_EQ(tools_.batches.size(), 1u);
  clock_.advance(milliseconds(1'000));
  ASSERT_TRUE(host_.cancelled);
  EXPECT_EQ(tools_.batches[0].cancels, 1);  // the tool's exchange is cut
  EXPECT_EQ(model_.last().cancels, 0);      // the model's had ended
  const auto& output = host_.cancelled->output;
  ASSERT_EQ(output.size(), 3u);
  EXPECT_EQ(output[0].at("content"), "Let me look");
  EXPECT_EQ(output[1].at("tool_call_id"), "c1");
  EXPECT_EQ(output[1].at("content"), "Error: cancelled");
  EXPECT_EQ(output[2].at("content"), "Error: there is no tool named nope");
  // The tools' late result starts nothing.
  tools_.finish("42");
  EXPECT_EQ(model_.exchanges.size(), 1u);
  EXPECT_EQ(host_.terminal, 1);
  EXPECT_EQ(host_.log, (std::vector<std::string>{"tool started 1 lookup", "tool started 2 nope"}));
}

TEST_F(ChatEngineTest, CancelBetweenRoundsStartsNoFurtherRound) {
  std::shared_ptr<TurnHandle> turn;
  host_.on_tool_finished = [&] { turn->cancel(); };
  turn = engine_.run(conversation({assistant("a", kLookup)}), host_.events());
  model_.last().complete("", {call("c1", "lookup")});
  tools_.finish("42");
  EXPECT_EQ(model_.exchanges.size(), 1u);
  ASSERT_TRUE(host_.cancelled);
  const auto& output = host_.cancelled->output;
  ASSERT_EQ(output.size(), 2u);  // the tool's result is in, and not answered twice
  EXPECT_EQ(output[1].at("content"), "42");
  EXPECT_EQ(host_.terminal, 1);
  // Nothing was in flight to cut: the model's exchange and the tools had both ended.
  EXPECT_EQ(model_.last().cancels, 0);
  EXPECT_EQ(tools_.batches[0].cancels, 0);
}

TEST_F(ChatEngineTest, CancelInTheSecondRoundKeepsTheFirst) {
  auto turn = engine_.run(conversation({assistant("a", kLookup)}), host_.events());
  model_.last().complete("", {call("c1", "lookup")});
  tools_.finish("42");
  cancel_after(turn, milliseconds(50));
  model_.last().delta("It is");
  clock_.advance(milliseconds(50));
  ASSERT_TRUE(host_.cancelled);
  const auto& output = host_.cancelled->output;
  ASSERT_EQ(output.size(), 3u);
  EXPECT_EQ(output[2].at("content"), "It is");
  EXPECT_EQ(model_.exchanges[0]->cancels, 0);
  EXPECT_EQ(model_.exchanges[1]->cancels, 1);
  EXPECT_EQ(host_.cancelled->costs.size(), 2u);  // the first round's tokens, and the chat
}

TEST_F(ChatEngineTest, CancelAfterTheEndDoesNothing) {
  auto turn = engine_.run(conversation({assistant("a")}), host_.events());
  model_.last().complete("Hello");
  turn->cancel();
  EXPECT_TRUE(host_.done);
  EXPECT_FALSE(host_.cancelled);
  EXPECT_EQ(host_.terminal, 1);
}

TEST_F(ChatEngineTest, ACancelFromAnotherThreadEndsTheTurnOnceAndNothingFollows) {
  // The host's strand cancels while the provider's thread streams: whichever wins, there is
  // exactly one terminal event, and no delta after it.
  std::atomic<int> terminal{0};
  std::atomic<bool> delta_after_end{false};
  auto events = host_.events();
  events.on_delta = [&](std::size_t, std::string_view) {
    if (terminal > 0) delta_after_end = true;
    return true;
  };
  events.on_cancelled = [&](ChatResult) { ++terminal; };
  events.on_done = [&](ChatResult) { ++terminal; };
  auto turn = engine_.run(conversation({assistant("a")}), std::move(events));
  auto& exchange = model_.last();
  std::thread host([&] { turn->cancel(); });
  for (int i = 0; i < 200 && exchange.delta("x"); ++i) {
  }
  host.join();
  exchange.complete("late");
  EXPECT_EQ(terminal, 1);
  EXPECT_FALSE(delta_after_end);
  EXPECT_EQ(exchange.cancels, 1);
}

// Call control.

struct FakeCall final : CallControl {
  std::vector<std::string> actions;
  std::string end_call(const json::object&) override {
    actions.push_back("end");
    return "Ending the call";
  }
  std::string transfer(const json::object&, const json::object& destination) override {
    actions.push_back("transfer " + json::serialize(destination));
    return "Transferring";
  }
  std::string send_dtmf(const json::object&, std::string_view digits) override {
    actions.push_back("dtmf " + std::string(digits));
    return "Sent";
  }
  std::string voicemail(const json::object&) override {
    actions.push_back("voicemail");
    return "Leaving a voicemail";
  }
};

const char* kCallTools = R"([{"type":"endCall"},{"type":"dtmf"},
  {"type":"transferCall","destinations":[{"type":"number","number":"+15550001"},
                                         {"type":"number","number":"+15550002"}]}])";

TEST_F(ChatEngineTest, ACallRunsCallControlToolsThroughItsHost) {
  auto call_host = std::make_shared<FakeCall>();
  auto c = conversation({assistant("a", kCallTools)});
  c.call_control = call_host;
  engine_.run(std::move(c), host_.events());
  const auto& offered = model_.last().request.tools;
  ASSERT_EQ(offered.size(), 3u);
  EXPECT_EQ(offered[0].at("function").at("name"), "endCall");
  model_.last().complete(
      "", {call("c1", "dtmf", R"({"keys":"12#"})"),
           call("c2", "transferCall", R"({"destination":"+15550002"})"), call("c3", "endCall")});
  EXPECT_TRUE(tools_.batches.empty());  // none goes to the tool runner
  EXPECT_EQ(call_host->actions,
            (std::vector<std::string>{
                "dtmf 12#", R"(transfer {"type":"number","number":"+15550002"})", "end"}));
  model_.last().complete("Bye");
  ASSERT_TRUE(host_.done);
  EXPECT_EQ(host_.done->output[3].at("content"), "Ending the call");
}

TEST_F(ChatEngineTest, AChatOffersNoCallControlToolsWithoutAFunction) {
  engine_.run(conversation({assistant("a", kCallTools)}), host_.events());
  EXPECT_TRUE(model_.last().request.tools.empty());
  model_.last().complete("Hi");
}

TEST_F(ChatEngineTest, AChatLeavesCallControlToolsWithAFunctionToItsToolRunner) {
  // The runner refuses them ("tool type endCall is not available in chats"), as before.
  engine_.run(conversation({assistant("a", R"([{"type":"endCall","function":{"name":"bye"}}])")}),
              host_.events());
  model_.last().complete("", {call("c1", "bye")});
  ASSERT_EQ(tools_.batches.size(), 1u);
  EXPECT_EQ(tools_.batches[0].calls[0].tool.at("type"), "endCall");
  tools_.finish("Error: tool type endCall is not available in chats");
  model_.last().complete("Sorry");
  EXPECT_TRUE(host_.done);
}

}  // namespace
}  // namespace sb::chat
