#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "runtime/voice/tool_speech.hpp"

namespace sb::voice {
namespace {

using std::chrono::milliseconds;

boost::json::object parse(std::string_view text) {
  return boost::json::parse(text).as_object();
}

const boost::json::object kTool = parse(R"({"type": "function",
  "function": {"name": "book_table"},
  "messages": [
    {"type": "request-start", "content": "One moment."},
    {"type": "request-start", "content": "Checking."},
    {"type": "request-start", "content": "A big party!",
     "conditions": [{"param": "guests", "operator": "gte", "value": "8"}]},
    {"type": "request-response-delayed", "timingMilliseconds": 2000, "content": "Still on it."},
    {"type": "request-response-delayed", "timingMilliseconds": 500, "content": "Bear with me."},
    {"type": "request-complete", "role": "system", "content": "Booked: confirm the time."},
    {"type": "request-failed", "content": "That did not work.", "endCallAfterSpokenEnabled": true}
  ]})");

TEST(VoiceToolSpeech, FindsTheToolByFunctionNameOrCallControlType) {
  const auto tools =
      boost::json::parse(
          R"([{"type": "endCall"}, {"type": "function", "function": {"name": "book_table"}}])")
          .as_array();
  EXPECT_EQ(find_tool(tools, "book_table"), &tools[1].as_object());
  EXPECT_EQ(find_tool(tools, "endCall"), &tools[0].as_object());
  EXPECT_EQ(find_tool(tools, "other"), nullptr);
}

TEST(VoiceToolSpeech, StartMessagesAreVariantsWhoseConditionsHold) {
  EXPECT_EQ(tool_speech(kTool, "request-start", R"({"guests": 2})", 0)->content, "One moment.");
  EXPECT_EQ(tool_speech(kTool, "request-start", R"({"guests": 2})", 1)->content, "Checking.");
  EXPECT_EQ(tool_speech(kTool, "request-start", R"({"guests": 2})", 2)->content, "One moment.");
  EXPECT_EQ(tool_speech(kTool, "request-start", R"({"guests": 12})", 2)->content, "A big party!");
}

TEST(VoiceToolSpeech, CompleteAndFailedCarryTheirRoleAndEnding) {
  const auto complete = tool_speech(kTool, "request-complete", "{}", 0);
  EXPECT_TRUE(complete->to_model);
  EXPECT_FALSE(complete->end_call);
  const auto failed = tool_speech(kTool, "request-failed", "not json", 0);
  EXPECT_FALSE(failed->to_model);
  EXPECT_TRUE(failed->end_call);
  EXPECT_FALSE(tool_speech(parse(R"({"type": "function"})"), "request-start", "{}", 0));
}

TEST(VoiceToolSpeech, OnlyARequestStartSaidAloudBlocks) {
  const auto tool = parse(R"({"type": "function", "function": {"name": "f"}, "messages": [
    {"type": "request-start", "content": "One moment.", "blocking": true},
    {"type": "request-complete", "content": "Done.", "blocking": true}]})");
  EXPECT_TRUE(tool_speech(tool, "request-start", "{}", 0)->blocking);
  EXPECT_FALSE(tool_speech(tool, "request-complete", "{}", 0)->blocking);
  EXPECT_FALSE(tool_speech(kTool, "request-start", "{}", 0)->blocking);
}

TEST(VoiceToolSpeech, DelayedMessagesAreStagedByTiming) {
  const auto delayed = delayed_tool_speech(kTool, "{}", 0);
  ASSERT_EQ(delayed.size(), 2u);
  EXPECT_EQ(delayed[0].delay, milliseconds(500));
  EXPECT_EQ(delayed[0].content, "Bear with me.");
  EXPECT_EQ(delayed[1].delay, milliseconds(2000));
}

TEST(VoiceToolSpeech, ConditionsCompareNumbersAsNumbersAndTextAsText) {
  const auto args = parse(R"({"guests": 10, "city": "Paris", "vip": true})");
  auto holds = [&](std::string_view param, std::string_view op, std::string_view value) {
    boost::json::object c{{"param", param}, {"operator", op}, {"value", value}};
    return condition_holds(c, args);
  };
  EXPECT_TRUE(holds("guests", "gt", "9"));  // 10 > 9, though "10" < "9" as text
  EXPECT_FALSE(holds("guests", "lt", "9"));
  EXPECT_TRUE(holds("guests", "eq", "10.0"));
  EXPECT_TRUE(holds("city", "eq", "Paris"));
  EXPECT_TRUE(holds("city", "neq", "Rome"));
  EXPECT_TRUE(holds("vip", "eq", "true"));
  EXPECT_FALSE(holds("missing", "eq", "x"));
  EXPECT_TRUE(holds("missing", "neq", "x"));
}

}  // namespace
}  // namespace sb::voice
