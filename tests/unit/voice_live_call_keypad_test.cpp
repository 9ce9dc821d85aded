// Keys the caller presses, collected into turns per keypadInputPlan (live_call_fixture.hpp).

#include "live_call_fixture.hpp"

namespace sb::voice {
namespace {

using namespace testing;  // NOLINT: the fixture and fakes of the live-call tests
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_F(LiveCallTest, KeypadDigitsBecomeOneTurnAtTheDelimiterOrAfterTheTimeout) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
            "keypadInputPlan": {"enabled": true, "timeoutSeconds": 1, "delimiters": "#"}})");
  call_->dtmf("1");
  call_->dtmf("2");
  poll();
  run_for(900ms);
  EXPECT_EQ(model_.count(), 0u) << "the timeout counts from the last digit";
  call_->dtmf("#");
  poll();
  ASSERT_EQ(model_.count(), 1u) << "the delimiter hands the entry over at once";
  EXPECT_EQ(string_at(model_.last().request.messages.back().as_object(), "content"),
            "User's Keypad Entry: 12");
  model_.last().complete("Thanks.");
  poll();
  run_for(400ms);
  call_->dtmf("5");
  poll();
  run_for(980ms);
  EXPECT_EQ(model_.count(), 1u);
  run_for(40ms);
  ASSERT_EQ(model_.count(), 2u) << "1 s after the last digit";
  EXPECT_EQ(string_at(model_.last().request.messages.back().as_object(), "content"),
            "User's Keypad Entry: 5");
  model_.last().complete("Five.");
  poll();
  // The events table: each key, each turn and each answer.
  std::vector<json::object> keys;
  for (const char* k : {"1", "2", "#", "5"}) keys.push_back({{"digit", k}});
  EXPECT_EQ(recorded_->events_of("call.dtmfReceived"), keys);
  EXPECT_EQ(recorded_->events_of("pipeline.turnStarted").size(), 2u);
  const auto answers = recorded_->events_of("assistant.model.responseSucceeded");
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(string_at(answers[0], "provider"), "openai");
  EXPECT_EQ(string_at(answers[0], "model"), "gpt-4o");
  EXPECT_TRUE(answers[0].at("latency").is_int64());
}

TEST_F(LiveCallTest, KeypadDigitsAreIgnoredUnlessThePlanIsEnabled) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}})");
  call_->dtmf("1");
  call_->dtmf("#");
  poll();
  run_for(3s);
  EXPECT_EQ(model_.count(), 0u);
}

}  // namespace
}  // namespace sb::voice
