#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

#include "telephony/telnyx_outbound.hpp"

namespace sb::telephony {
namespace {

TEST(TelnyxOutbound, TheDialBodyNamesTheCallItsTexmlStreamAndTheCallbacks) {
  OutboundDial dial{"+16505550100",
                    "+14155550100",
                    "wss://sb.example/telnyx/stream/c1?token=t0k",
                    "c1",
                    "https://sb.example/telnyx/outbound_status/c1",
                    0,
                    std::nullopt,
                    {}};
  const auto body = boost::json::parse(telnyx_dial_body(dial)).as_object();
  EXPECT_EQ(body.at("To"), "+16505550100");
  EXPECT_EQ(body.at("From"), "+14155550100");
  // The stream connects back with the call id beside the call's token, and may send audio.
  EXPECT_EQ(body.at("Texml"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect><Stream "
            "url=\"wss://sb.example/telnyx/stream/c1?token=t0k&amp;callId=c1\" "
            "bidirectionalMode=\"rtp\"/></Connect></Response>");
  EXPECT_EQ(body.at("StatusCallback"), "https://sb.example/telnyx/outbound_status/c1");
  EXPECT_EQ(body.at("StatusCallbackMethod"), "POST");
  EXPECT_EQ(body.at("StatusCallbackEvent"), "initiated ringing answered completed");
  EXPECT_FALSE(body.contains("Timeout"));
  dial.ring_seconds = 50;
  EXPECT_EQ(boost::json::parse(telnyx_dial_body(dial)).at("Timeout"), 50);
  EXPECT_FALSE(body.contains("MachineDetection"));
}

TEST(TelnyxOutbound, MachineDetectionIsTexmlsAsyncAmdWithItsTimeoutInMilliseconds) {
  OutboundDial dial{"+16505550100",
                    "+14155550100",
                    "wss://sb.example/telnyx/stream/c1?token=t",
                    "c1",
                    "https://sb.example/telnyx/outbound_status/c1",
                    0,
                    MachineDetection{"https://sb.example/telnyx/amd_status/c1", 20, std::nullopt,
                                     1500, std::nullopt},
                    {}};
  const auto body = boost::json::parse(telnyx_dial_body(dial)).as_object();
  EXPECT_EQ(body.at("MachineDetection"), "DetectMessageEnd");
  EXPECT_EQ(body.at("AsyncAmd"), true);
  EXPECT_EQ(body.at("AsyncAmdStatusCallback"), "https://sb.example/telnyx/amd_status/c1");
  EXPECT_EQ(body.at("AsyncAmdStatusCallbackMethod"), "POST");
  EXPECT_EQ(body.at("MachineDetectionTimeout"), 20000);
  EXPECT_EQ(body.at("MachineDetectionSpeechEndThreshold"), 1500);
  EXPECT_FALSE(body.contains("MachineDetectionSpeechThreshold"));
  EXPECT_FALSE(body.contains("MachineDetectionSilenceTimeout"));
}

TEST(TelnyxOutbound, ATransferToANumberPresentsTheCallerAndDialsTheExtensionOnAnswer) {
  RenderContext ctx;
  ctx.caller = "+16505550100";
  ctx.our_number = "+14155550100";
  const auto body = boost::json::parse(telnyx_transfer_body(
      {{"type", "number"}, {"number", "+16505550177"}, {"extension", "42"}}, ctx));
  EXPECT_EQ(body, boost::json::parse(R"({"to":"+16505550177","send_digits_on_answer":"ww42",
                                         "from":"+16505550100"})"));
  // The destination's callerId, its templates filled in, instead of the caller's number.
  const auto ours = boost::json::parse(telnyx_transfer_body(
      {{"type", "number"}, {"number", "+16505550177"}, {"callerId", "{{phoneNumber.number}}"}},
      ctx));
  EXPECT_EQ(ours.at("from"), "+14155550100");
  EXPECT_FALSE(ours.as_object().contains("send_digits_on_answer"));
}

TEST(TelnyxOutbound, ATransferToSipSendsTheSipHeadersAsCustomHeaders) {
  RenderContext ctx;
  ctx.caller = "+16505550100";
  const boost::json::object destination{
      {"type", "sip"},
      {"sipUri", "sip:desk@pbx.example"},
      {"sipHeaders", {{"X-Account", "7"}, {"User-to-User", "abc;encoding=ascii"}}}};
  EXPECT_EQ(boost::json::parse(telnyx_transfer_body(destination, ctx)),
            boost::json::parse(R"({"to":"sip:desk@pbx.example",
                 "custom_headers":[{"name":"X-Account","value":"7"}],
                 "sip_headers":[{"name":"User-to-User","value":"abc;encoding=ascii"}],
                 "from":"+16505550100"})"));
}

}  // namespace
}  // namespace sb::telephony
