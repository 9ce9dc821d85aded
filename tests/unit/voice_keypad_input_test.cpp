// keypadInputPlan: when the digits a caller presses are handed to the conversation.
#include "runtime/voice/keypad_input.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::voice {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

KeypadInput keypad(std::string_view plan) {
  return KeypadInput(KeypadPlan::of(json::parse(plan).as_object()));
}

const Clock::SteadyTime t0{};

TEST(KeypadInput, DisabledByDefaultAndUnlessEnabled) {
  auto none = keypad(R"({})");
  EXPECT_FALSE(none.enabled());
  EXPECT_EQ(none.press('1', t0), std::nullopt);
  EXPECT_EQ(none.due(), std::nullopt);
  EXPECT_FALSE(keypad(R"({"keypadInputPlan": {"delimiters": "#"}})").enabled());
}

TEST(KeypadInput, TheDelimiterHandsOverTheDigitsBeforeIt) {
  auto k = keypad(R"({"keypadInputPlan": {"enabled": true, "delimiters": "#"}})");
  EXPECT_EQ(k.press('1', t0), std::nullopt);
  EXPECT_EQ(k.press('2', t0 + 300ms), std::nullopt);
  EXPECT_EQ(k.press('#', t0 + 600ms), "12");
  EXPECT_EQ(k.due(), std::nullopt);
  EXPECT_EQ(k.press('#', t0 + 900ms), std::nullopt) << "a delimiter alone is no entry";
  EXPECT_EQ(k.press('*', t0 + 900ms), std::nullopt) << "not this plan's delimiter: a key";
  EXPECT_EQ(k.press('#', t0 + 950ms), "*");
}

TEST(KeypadInput, TheTimeoutCountsFromTheLastDigit) {
  auto k = keypad(R"({"keypadInputPlan": {"enabled": true}})");  // 2 s by default
  k.press('4', t0);
  k.press('2', t0 + 1500ms);
  ASSERT_EQ(k.due(), t0 + 3500ms);
  EXPECT_EQ(k.expire(t0 + 3499ms), std::nullopt);
  EXPECT_EQ(k.expire(t0 + 3500ms), "42");
  EXPECT_EQ(k.due(), std::nullopt);
}

TEST(KeypadInput, ADelimiterBeforeTheTimeoutWins) {
  auto k = keypad(R"({"keypadInputPlan": {"enabled": true, "timeoutSeconds": 5,
                                          "delimiters": "*"}})");
  k.press('9', t0);
  EXPECT_EQ(k.due(), t0 + 5s);
  EXPECT_EQ(k.press('*', t0 + 1s), "9");
  EXPECT_EQ(k.expire(t0 + 6s), std::nullopt);
}

TEST(KeypadInput, ZeroTimeoutWaitsForTheDelimiterOrTakesEachKeyWithoutOne) {
  auto waits = keypad(R"({"keypadInputPlan": {"enabled": true, "timeoutSeconds": 0,
                                              "delimiters": "#"}})");
  waits.press('1', t0);
  EXPECT_EQ(waits.due(), std::nullopt);
  EXPECT_EQ(waits.expire(t0 + 1h), std::nullopt);
  EXPECT_EQ(waits.press('#', t0 + 1h), "1");
  auto each = keypad(R"({"keypadInputPlan": {"enabled": true, "timeoutSeconds": 0}})");
  EXPECT_EQ(each.press('7', t0), "7");
}

TEST(KeypadInput, EntriesReadAsVapiWritesThem) {
  EXPECT_EQ(keypad_entry_message("1234"), "User's Keypad Entry: 1234");
}

}  // namespace
}  // namespace sb::voice
