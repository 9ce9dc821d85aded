#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/calls/voicemail_plan.hpp"

namespace sb::calls {
namespace {

std::optional<VoicemailPlan> plan_of(const char* assistant) {
  return VoicemailPlan::twilio_of(boost::json::parse(assistant).as_object());
}

TEST(VoicemailPlan, OnlyTwilioDetectionThatIsOnMakesAPlan) {
  EXPECT_FALSE(plan_of(R"({})"));
  EXPECT_FALSE(plan_of(R"({"voicemailDetection":"off"})"));
  EXPECT_FALSE(plan_of(R"({"voicemailDetection":{"provider":"vapi"}})"));
  EXPECT_FALSE(plan_of(R"({"voicemailDetection":{"provider":"twilio","enabled":false}})"));
  EXPECT_TRUE(plan_of(R"({"voicemailDetection":{"provider":"twilio"}})"));
}

TEST(VoicemailPlan, VapisDefaultTypesAreTheEndsOfAMachinesGreeting) {
  const auto plan = plan_of(R"({"voicemailDetection":{"provider":"twilio"}})");
  EXPECT_TRUE(plan->is_voicemail("machine_end_beep"));
  EXPECT_TRUE(plan->is_voicemail("machine_end_silence"));
  EXPECT_FALSE(plan->is_voicemail("machine_start"));
  EXPECT_FALSE(plan->is_voicemail("human"));
  EXPECT_FALSE(plan->timeout_seconds);
}

TEST(VoicemailPlan, TheAssistantsTypesAndTuningAreKept) {
  const auto plan = plan_of(R"({"voicemailDetection":{"provider":"twilio",
      "voicemailDetectionTypes":["machine_start","fax"],"machineDetectionTimeout":12,
      "machineDetectionSpeechThreshold":2400,"machineDetectionSpeechEndThreshold":1200,
      "machineDetectionSilenceTimeout":5000}})");
  EXPECT_TRUE(plan->is_voicemail("fax"));
  EXPECT_FALSE(plan->is_voicemail("machine_end_beep"));
  EXPECT_EQ(plan->timeout_seconds, 12);
  EXPECT_EQ(plan->speech_threshold_ms, 2400);
  EXPECT_EQ(plan->speech_end_threshold_ms, 1200);
  EXPECT_EQ(plan->silence_timeout_ms, 5000);
}

}  // namespace
}  // namespace sb::calls
