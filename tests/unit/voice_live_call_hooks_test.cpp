// A live call's hooks (silence, call ending, customer interrupted), its tools' spoken messages
// and the hang message, driven step by step (live_call_fixture.hpp).

#include "live_call_fixture.hpp"

namespace sb::voice {
namespace {

using namespace testing;  // NOLINT: the fixture and fakes of the live-call tests
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_F(LiveCallTest, CallEndingHooksRunTheirToolsAndAddTheirMessagesWhenTheFilterHolds) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "call.ending", "filters": [{"type": "oneOf", "key": "call.endedReason",
      "oneOf": ["customer-ended-call"]}],
     "do": [{"type": "tool", "tool": {"type": "function", "server": {"url": "http://hooks"},
               "function": {"name": "log_end", "parameters": {"type": "object", "properties": {
                 "why": {"type": "string", "value": "hung up"}}}}}},
            {"type": "tool", "tool": {"type": "transferCall", "destinations": []}},
            {"type": "say", "exact": "not said"},
            {"type": "message.add", "message": {"role": "system", "content": "Caller hung up."}}]},
    {"on": "call.ending", "filters": [{"type": "oneOf", "key": "call.endedReason",
      "oneOf": ["pipeline-error"]}],
     "do": [{"type": "tool", "tool": {"type": "function", "function": {"name": "page_ops"}}}]}
  ]})");
  run_for(200ms);
  call_->end("customer-ended-call");
  poll();
  ASSERT_EQ(tools_.batches.size(), 1u) << "the transfer is skipped, the other hook filtered out";
  const auto& run = tools_.batches[0].calls.at(0);
  EXPECT_EQ(run.call.name, "log_end");
  EXPECT_EQ(json::parse(run.call.arguments), json::parse(R"({"why": "hung up"})"));
  EXPECT_TRUE(voice_.said.empty());
  tools_.finish("logged");  // its result is for no model
  poll();
  ASSERT_EQ(recorded_->reports.size(), 1u);
  const auto& openai =
      recorded_->reports[0].at("artifact").at("messagesOpenAIFormatted").as_array();
  ASSERT_FALSE(openai.empty());
  EXPECT_EQ(string_at(openai.back().as_object(), "content"), "Caller hung up.");
}

TEST_F(LiveCallTest, AHookToolRunsAsTheModelsToolsRun) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [
      {"id": "tool-1", "type": "function", "function": {"name": "note"}}]}, "hooks": [
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 1},
     "do": [{"type": "tool", "toolId": "tool-1"}, {"type": "tool", "tool": {"type": "dtmf"}},
            {"type": "tool", "toolId": "unknown"}]}]})");
  run_for(1100ms);
  ASSERT_EQ(tools_.batches.size(), 1u);
  EXPECT_EQ(tools_.batches[0].calls.at(0).call.name, "note");
  EXPECT_EQ(tools_.batches[0].calls.at(0).call.arguments, "{}");
  EXPECT_TRUE(recorded_->ended_reasons.empty()) << "the skipped tools did not end the call";
  tools_.finish("ok");
  poll();
  run_for(200ms);
  EXPECT_EQ(model_.count(), 0u) << "a hook's tool result is not the model's";
}

TEST_F(LiveCallTest, TheAssistantStartingOverTheCustomerRunsCustomerSpeechInterrupted) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "customer.speech.interrupted", "do": [{"type": "say", "exact": "Sorry, go on."}]}]})");
  // Said while nobody speaks: no hook.
  call_->control(json::object{{"type", "say"}, {"content", "Hello?"}});
  poll();
  run_for(400ms);
  EXPECT_EQ(voice_.said, std::vector<std::string>{"Hello?"});
  customer_speaks_for(200ms);
  call_->control(json::object{
      {"type", "say"}, {"content", "Are you there?"}, {"interruptionsEnabled", false}});
  poll();
  customer_speaks_for(100ms);
  EXPECT_EQ(voice_.said, (std::vector<std::string>{"Hello?", "Are you there?", "Sorry, go on."}));
  run_for(600ms);
  EXPECT_EQ(voice_.said.size(), 3u);
  EXPECT_TRUE(recorded_->ended_reasons.empty());
}

TEST_F(LiveCallTest, AToolsMessagesAreSpokenAroundItsRun) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [
    {"type": "function", "function": {"name": "lookup"}, "messages": [
      {"type": "request-start", "content": "Let me check."},
      {"type": "request-response-delayed", "timingMilliseconds": 1000, "content": "Almost."},
      {"type": "request-complete", "content": "Found it."}]}]}})");
  transcriber_.say("is my order shipped?", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  model_.last().complete("", {llm::ToolCall{"call_1", "lookup", "{}"}});
  poll();
  ASSERT_EQ(tools_.batches.size(), 1u);
  EXPECT_EQ(voice_.said, std::vector<std::string>{"Let me check."});
  run_for(1100ms);
  EXPECT_EQ(voice_.said, (std::vector<std::string>{"Let me check.", "Almost."}));
  tools_.finish("shipped");
  poll();
  EXPECT_EQ(voice_.said.back(), "Found it.");
  ASSERT_EQ(model_.count(), 2u);
  model_.last().complete("It shipped.");
  poll();
  EXPECT_EQ(voice_.said.back(), "It shipped.");
}

TEST_F(LiveCallTest, ABlockingRequestStartMessageIsSaidBeforeTheToolRuns) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [
    {"type": "function", "function": {"name": "lookup"}, "messages": [
      {"type": "request-start", "content": "Let me check.", "blocking": true}]}]}})");
  transcriber_.say("is my order shipped?", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  model_.last().complete("", {llm::ToolCall{"call_1", "lookup", "{}"}});
  poll();
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Let me check."});
  // 13 characters: 130 ms of audio, which waits for waitSeconds (0.4 s after the transcript).
  run_for(400ms);
  EXPECT_TRUE(tools_.batches.empty()) << "the tool waits until its message has been heard";
  run_for(100ms);
  ASSERT_EQ(tools_.batches.size(), 1u);
  tools_.finish("shipped");
  poll();
  ASSERT_EQ(model_.count(), 2u);
  model_.last().complete("It shipped.");
  poll();
  EXPECT_EQ(voice_.said.back(), "It shipped.");
}

TEST_F(LiveCallTest, ASlowAnswerSendsHangOnce) {
  start(kAssistant);
  run_for(200ms);
  transcriber_.say("are you there?", true);
  poll();
  run_for(4900ms);
  EXPECT_EQ(transport_->count("hang"), 0u);
  run_for(300ms);
  EXPECT_EQ(transport_->count("hang"), 1u);
  run_for(5000ms);
  EXPECT_EQ(transport_->count("hang"), 1u);
  model_.last().complete("Yes.");
  poll();
}

TEST_F(LiveCallTest, SilenceHooksSpeakInTurnThenEndTheCall) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 2},
     "do": [{"type": "say", "exact": ["Are you there?", "Hello?"]}]},
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 4},
     "do": [{"type": "say", "exact": "Goodbye."}, {"type": "tool", "tool": {"type": "endCall"}}]}
  ]})");
  run_for(1980ms);
  EXPECT_TRUE(voice_.said.empty());
  run_for(40ms);
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Are you there?"});
  // What the hook said does not restart the silence: the second hook is due 4 s after the start.
  run_for(1960ms);
  EXPECT_EQ(voice_.said.size(), 1u);
  EXPECT_TRUE(recorded_->ended_reasons.empty());
  run_for(60ms);
  ASSERT_EQ(voice_.said, (std::vector<std::string>{"Are you there?", "Goodbye."}));
  EXPECT_TRUE(recorded_->ended_reasons.empty()) << "the goodbye is said first";
  run_for(300ms);
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"assistant-ended-call"});
}

}  // namespace
}  // namespace sb::voice
