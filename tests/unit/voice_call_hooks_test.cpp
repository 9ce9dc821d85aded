#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "runtime/voice/call_hooks.hpp"

namespace sb::voice {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

boost::json::object parse(std::string_view text) {
  return boost::json::parse(text).as_object();
}

// The first action's exact text of each hook due.
std::vector<std::string> said(const std::vector<CallHooks::Actions>& due) {
  std::vector<std::string> out;
  for (const auto& actions : due) out.push_back(*exact_text(actions.at(0).as_object(), 0));
  return out;
}

// The documentation's "end call after 30 s of silence": three staggered hooks.
const char* kStaggered = R"({"hooks": [
  {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 10},
   "do": [{"type": "say", "exact": "ten"}]},
  {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 20, "triggerMaxCount": 1},
   "do": [{"type": "say", "exact": "twenty"}]},
  {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 30,
   "triggerResetMode": "onUserSpeech", "triggerMaxCount": 1},
   "do": [{"type": "say", "exact": "thirty"}, {"type": "tool", "tool": {"type": "endCall"}}]}]})";

TEST(VoiceCallHooks, StaggeredSpeechTimeoutsFireInOrderOncePerSilence) {
  auto hooks = CallHooks::of(parse(kStaggered));
  hooks.silence_started();
  EXPECT_TRUE(hooks.speech_timeouts_due(milliseconds(9'999)).empty());
  EXPECT_EQ(said(hooks.speech_timeouts_due(seconds(10))), std::vector<std::string>{"ten"});
  // What a hook says does not restart the silence, and nothing fires twice in one.
  EXPECT_TRUE(hooks.speech_timeouts_due(seconds(15)).empty());
  EXPECT_EQ(said(hooks.speech_timeouts_due(seconds(21))), std::vector<std::string>{"twenty"});
  EXPECT_EQ(said(hooks.speech_timeouts_due(seconds(35))), std::vector<std::string>{"thirty"});
  EXPECT_TRUE(hooks.speech_timeouts_due(seconds(60)).empty());
}

TEST(VoiceCallHooks, CountsPerCallUnlessResetOnUserSpeech) {
  auto hooks = CallHooks::of(parse(kStaggered));
  for (int silence = 0; silence < 2; ++silence) {
    hooks.silence_started();
    EXPECT_EQ(hooks.speech_timeouts_due(seconds(40)).size(), silence == 0 ? 3u : 2u);
    hooks.customer_spoke();
  }
  // "twenty" has had its one; "thirty" counts again after each time the customer speaks;
  // "ten" (default 3 per call) has one left.
  hooks.silence_started();
  EXPECT_EQ(said(hooks.speech_timeouts_due(seconds(40))),
            (std::vector<std::string>{"ten", "thirty"}));
  hooks.silence_started();
  EXPECT_TRUE(hooks.speech_timeouts_due(seconds(40)).empty());
}

TEST(VoiceCallHooks, DefaultTimeoutIsSevenAndAHalfSeconds) {
  auto hooks = CallHooks::of(parse(
      R"({"hooks": [{"on": "customer.speech.timeout", "do": [{"type": "say", "exact": "x"}]}]})"));
  hooks.silence_started();
  EXPECT_TRUE(hooks.speech_timeouts_due(milliseconds(7'499)).empty());
  EXPECT_EQ(hooks.speech_timeouts_due(milliseconds(7'500)).size(), 1u);
}

TEST(VoiceCallHooks, TimeElapsedFiresOnceAtItsSecond) {
  auto hooks = CallHooks::of(parse(R"({"hooks": [
    {"on": "call.timeElapsed", "options": {"seconds": 300}, "do": [{"type": "say", "exact": "five"}]},
    {"on": "assistant.speech.interrupted", "do": [{"type": "say", "exact": "sorry"}]}]})"));
  EXPECT_TRUE(hooks.time_elapsed_due(seconds(299)).empty());
  EXPECT_EQ(said(hooks.time_elapsed_due(seconds(300))), std::vector<std::string>{"five"});
  EXPECT_TRUE(hooks.time_elapsed_due(seconds(301)).empty());
  EXPECT_EQ(said(hooks.on_assistant_interrupted()), std::vector<std::string>{"sorry"});
}

TEST(VoiceCallHooks, HooksWithoutActionsOrOfOtherEventsAreNotRun) {
  const auto hooks = CallHooks::of(parse(R"({"hooks": [
    {"on": "customer.speech.timeout", "do": []},
    {"on": "assistant.transcriber.endpointedSpeechLowConfidence",
     "do": [{"type": "tool", "tool": {"type": "endCall"}}]}]})"));
  EXPECT_TRUE(hooks.empty());
}

TEST(VoiceCallHooks, CallEndingHooksRunWhenTheirFiltersHold) {
  const auto hooks = CallHooks::of(parse(R"({"hooks": [
    {"on": "call.ending", "do": [{"type": "say", "exact": "always"}]},
    {"on": "call.ending", "filters": [{"type": "oneOf", "key": "call.endedReason",
      "oneOf": ["pipeline-error", "silence-timed-out"]}], "do": [{"type": "say", "exact": "failed"}]},
    {"on": "call.ending", "filters": [{"type": "someOf", "key": "call.endedReason",
      "oneOf": ["customer-ended-call"]}], "do": [{"type": "say", "exact": "never"}]}]})"));
  EXPECT_FALSE(hooks.empty());
  auto call = [](std::string_view reason) {
    boost::json::object c{{"id", "c"}, {"endedReason", reason}};
    return c;
  };
  EXPECT_EQ(said(hooks.on_call_ending(call("customer-ended-call"))),
            std::vector<std::string>{"always"});
  // "pipeline-error" holds for every pipeline-error-… reason, not for a word that only starts so.
  EXPECT_EQ(said(hooks.on_call_ending(call("pipeline-error-openai-llm-failed"))),
            (std::vector<std::string>{"always", "failed"}));
  EXPECT_EQ(said(hooks.on_call_ending(call("pipeline-errors"))),
            std::vector<std::string>{"always"});
  EXPECT_EQ(said(hooks.on_call_ending(call("silence-timed-out"))),
            (std::vector<std::string>{"always", "failed"}));
  // A key the call does not have never holds.
  const auto other = parse(R"({"f": [{"type": "oneOf", "key": "call.nothing", "oneOf": ["x"]}]})");
  EXPECT_FALSE(filters_hold(other.at("f").as_array(), call("x")));
}

TEST(VoiceCallHooks, CustomerSpeechInterruptedHooksAreKept) {
  const auto hooks = CallHooks::of(parse(R"({"hooks": [
    {"on": "customer.speech.interrupted", "do": [{"type": "say", "exact": "pardon"}]}]})"));
  EXPECT_FALSE(hooks.empty());
  EXPECT_EQ(said(hooks.on_customer_interrupted()), std::vector<std::string>{"pardon"});
  EXPECT_TRUE(hooks.on_assistant_interrupted().empty());
}

TEST(VoiceCallHooks, SayTextPicksAmongVariantsAndRendersTheTranscript) {
  const auto variants = parse(R"({"type": "say", "exact": ["a", "b", "c"]})");
  EXPECT_EQ(*exact_text(variants, 0), "a");
  EXPECT_EQ(*exact_text(variants, 4), "b");
  const auto prompt = parse(R"({"type": "say", "prompt": "Given {{transcript}}, ask again"})");
  EXPECT_FALSE(exact_text(prompt, 0));
  EXPECT_EQ(prompt_text(prompt, "User: hi"), "Given User: hi, ask again");
  const auto messages = parse(
      R"({"type": "say", "prompt": [{"role": "system", "content": "Check on {{transcript}}"}]})");
  EXPECT_EQ(prompt_text(messages, "them"), "Check on them");
}

}  // namespace
}  // namespace sb::voice
