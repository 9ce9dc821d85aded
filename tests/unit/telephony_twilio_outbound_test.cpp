#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <boost/json/parse.hpp>

#include "telephony/form.hpp"
#include "telephony/twilio_outbound.hpp"

namespace sb::telephony {
namespace {

// The first value of `name` in a form, or "<none>".
std::string field_of(const http::Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return "<none>";
}

TEST(TwilioOutbound, TheTwimlConnectsTheStreamWithTheCallId) {
  EXPECT_EQ(outbound_twiml("wss://sb.example/twilio/stream/c1", "c1"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect>"
            "<Stream url=\"wss://sb.example/twilio/stream/c1\"><Parameter name=\"callId\" "
            "value=\"c1\"/></Stream></Connect></Response>");
}

TEST(TwilioOutbound, TheDialFormNamesTheCallTheTwimlAndTheCallbacks) {
  OutboundDial dial{"+16505550100",
                    "+14155550100",
                    "wss://sb.example/twilio/stream/c1",
                    "c1",
                    "https://sb.example/twilio/outbound_status/c1",
                    0,
                    std::nullopt,
                    {}};
  const auto fields = parse_form(twilio_dial_form(dial));
  auto value = [&](std::string_view name) { return field_of(fields, name); };
  EXPECT_EQ(value("To"), "+16505550100");
  EXPECT_EQ(value("From"), "+14155550100");
  EXPECT_EQ(value("Twiml"), outbound_twiml(dial.stream_url, "c1"));
  EXPECT_EQ(value("StatusCallback"), "https://sb.example/twilio/outbound_status/c1");
  EXPECT_EQ(value("StatusCallbackMethod"), "POST");
  std::vector<std::string> events;
  for (const auto& [k, v] : fields)
    if (k == "StatusCallbackEvent") events.push_back(v);
  EXPECT_EQ(events, (std::vector<std::string>{"initiated", "ringing", "answered", "completed"}));
  EXPECT_EQ(value("Timeout"), "<none>");
  dial.ring_seconds = 50;
  EXPECT_NE(twilio_dial_form(dial).find("&Timeout=50"), std::string::npos);
}

TEST(TwilioOutbound, AnswerDetectionRunsInTheBackgroundWithTheAssistantsTuning) {
  OutboundDial dial{"+16505550100",
                    "+14155550100",
                    "wss://sb.example/twilio/stream/c1",
                    "c1",
                    "https://sb.example/twilio/outbound_status/c1",
                    0,
                    std::nullopt,
                    {}};
  EXPECT_EQ(twilio_dial_form(dial).find("MachineDetection"), std::string::npos);
  dial.machine_detection =
      MachineDetection{"https://sb.example/twilio/amd_status/c1", 20, std::nullopt, 1500, {}};
  const auto fields = parse_form(twilio_dial_form(dial));
  auto value = [&](std::string_view name) { return field_of(fields, name); };
  EXPECT_EQ(value("MachineDetection"), "DetectMessageEnd");
  EXPECT_EQ(value("AsyncAmd"), "true");
  EXPECT_EQ(value("AsyncAmdStatusCallback"), "https://sb.example/twilio/amd_status/c1");
  EXPECT_EQ(value("AsyncAmdStatusCallbackMethod"), "POST");
  EXPECT_EQ(value("MachineDetectionTimeout"), "20");
  EXPECT_EQ(value("MachineDetectionSpeechEndThreshold"), "1500");
  EXPECT_EQ(value("MachineDetectionSpeechThreshold"), "<none>");
  EXPECT_EQ(value("MachineDetectionSilenceTimeout"), "<none>");
}

TEST(TwilioOutbound, TheAccountAuthenticatesWithTheTokenElseTheApiKey) {
  auto account =
      twilio_account_of(boost::json::parse(R"({"twilioAccountSid":"AC1","twilioAuthToken":"tok",
                             "twilioApiKey":"SK1","twilioApiSecret":"sec"})")
                            .as_object());
  EXPECT_EQ(account.sid, "AC1");
  EXPECT_EQ(account.user, "AC1");
  EXPECT_EQ(account.password, "tok");
  account = twilio_account_of(
      boost::json::parse(
          R"({"twilioAccountSid":"AC1","twilioApiKey":"SK1","twilioApiSecret":"sec"})")
          .as_object());
  EXPECT_EQ(account.user, "SK1");
  EXPECT_EQ(account.password, "sec");
  EXPECT_EQ(twilio_account_of(boost::json::parse(R"({"twilioAccountSid":"AC1"})").as_object()).user,
            "");
}

}  // namespace
}  // namespace sb::telephony
