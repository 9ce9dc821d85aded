// What each carrier's callbacks say about who answered (CarrierReport::answered_by), in the
// AnsweredBy words the voicemail plan's types use.

#include <gtest/gtest.h>

#include "net/http_client.hpp"
#include "runtime/voice/outbound_carrier.hpp"

namespace sb::voice {
namespace {

TEST(CarrierReports, TwilioAndTelnyxSayWhoAnsweredInAnsweredBy) {
  net::HttpClient http;
  const auto twilio = twilio_carrier(http, "http://unused", [] { return std::string(); });
  const auto telnyx = telnyx_carrier(http, "http://unused", "");
  for (const auto* carrier : {twilio.get(), telnyx.get()}) {
    const auto verdict = carrier->report({{"CallSid", "CA1"}, {"AnsweredBy", "machine_end_beep"}});
    EXPECT_EQ(verdict.answered_by, "machine_end_beep") << carrier->provider();
    EXPECT_EQ(verdict.sid, "CA1");
    EXPECT_EQ(carrier->report({{"CallSid", "CA1"}, {"CallStatus", "ringing"}}).answered_by, "");
  }
}

TEST(CarrierReports, VonagesMachineDetectionEventsReadAsTwiliosWords) {
  net::HttpClient http;
  const auto vonage = vonage_carrier(http, "http://unused");
  auto said = [&](http::Fields fields) {
    fields.emplace_back("uuid", "u1");
    return vonage->report(fields);
  };
  EXPECT_EQ(said({{"status", "human"}}).answered_by, "human");
  EXPECT_EQ(said({{"status", "machine"}}).answered_by, "machine_start");
  EXPECT_EQ(said({{"status", "machine"}, {"sub_state", "beep_start"}}).answered_by,
            "machine_end_beep");
  EXPECT_EQ(said({{"status", "machine"}, {"sub_state", "beep_timeout"}}).answered_by,
            "machine_end_other");
  // A verdict is not a change of the call's status, nor its end.
  const auto machine = said({{"status", "machine"}});
  EXPECT_EQ(machine.status, "");
  EXPECT_EQ(machine.ended_reason, "");
  EXPECT_EQ(said({{"status", "answered"}}).answered_by, "");
}

}  // namespace
}  // namespace sb::voice
