#include <gtest/gtest.h>

#include <string>

#include "telephony/twiml.hpp"
#include "telephony_render_support.hpp"

namespace sb::telephony {
namespace {

using namespace test;  // NOLINT: the shared decisions and context of the renderer tests

// ---- TwiML ----

TEST(TwiML, TransferToANumberDefaultsCallerIdToTheCaller) {
  EXPECT_EQ(render_twiml(transfer(R"({"type":"number","number":"+15550001111"})"), kCtx),
            xml(R"(<Dial callerId="+14155550100"><Number>+15550001111</Number></Dial>)"));
}

TEST(TwiML, TransferWithCallerIdExtensionAndMessage) {
  EXPECT_EQ(render_twiml(transfer(R"({"type":"number","number":"+15550001111",
      "callerId":"+15559998888","extension":"101","message":"Connecting you."})"),
                         kCtx),
            xml(R"(<Say>Connecting you.</Say><Dial callerId="+15559998888">)"
                R"(<Number sendDigits="ww101">+15550001111</Number></Dial>)"));
}

TEST(TwiML, CallerIdTemplatesAreFilledIn) {
  EXPECT_EQ(render_twiml(transfer(R"({"type":"number","number":"+15550001111",
      "callerId":"{{phoneNumber.number}}","message":{"type":"custom-message","content":"One moment"}})"),
                         kCtx),
            xml(R"(<Say>One moment</Say><Dial callerId="+15550002222">)"
                R"(<Number>+15550001111</Number></Dial>)"));
  EXPECT_EQ(render_twiml(transfer(R"({"type":"number","number":"+15550001111",
      "callerId":"{{customer.number}}"})"),
                         kCtx),
            xml(R"(<Dial callerId="+14155550100"><Number>+15550001111</Number></Dial>)"));
}

TEST(TwiML, TransferToSipWithHeaders) {
  EXPECT_EQ(render_twiml(transfer(R"({"type":"sip","sipUri":"sip:desk@example.com",
      "sipHeaders":{"X-Account":"gold & silver","Tier":2,"User-to-User":"abc"}})"),
                         kCtx),
            xml(R"(<Dial callerId="+14155550100"><Sip>sip:desk@example.com?)"
                R"(X-Account=gold%20%26%20silver&amp;X-Tier=2&amp;User-to-User=abc</Sip></Dial>)"));
}

TEST(TwiML, WarmTransferPointsTheDestinationsLegAtItsIntroduction) {
  auto ctx = kCtx;
  ctx.whisper_url = "https://sb.example/twilio/transfer_whisper/abc?x=1&y=2";
  EXPECT_EQ(
      render_twiml(transfer(R"({"type":"number","number":"+15550001111","extension":"7"})"), ctx),
      xml(R"(<Dial callerId="+14155550100"><Number sendDigits="ww7" )"
          R"(url="https://sb.example/twilio/transfer_whisper/abc?x=1&amp;y=2">)"
          R"(+15550001111</Number></Dial>)"));
  EXPECT_EQ(render_twiml(transfer(R"({"type":"sip","sipUri":"sip:desk@example.com"})"), ctx),
            xml(R"(<Dial callerId="+14155550100"><Sip )"
                R"(url="https://sb.example/twilio/transfer_whisper/abc?x=1&amp;y=2">)"
                R"(sip:desk@example.com</Sip></Dial>)"));
}

TEST(TwiML, WhisperDocuments) {
  EXPECT_EQ(whisper_play("https://sb.example/a.wav?t=1&u=2"),
            xml("<Play>https://sb.example/a.wav?t=1&amp;u=2</Play>"));
  EXPECT_EQ(
      whisper_wait(std::chrono::seconds(45), "https://sb.example/w/spoken"),
      xml(R"(<Gather input="speech" timeout="45" speechTimeout="1" )"
          R"(actionOnEmptyResult="true" action="https://sb.example/w/spoken" method="POST"/>)"));
  EXPECT_EQ(whisper_document("<Say>Hi</Say>"), xml("<Say>Hi</Say>"));
  const std::string whole = R"(<?xml version="1.0"?><Response><Pause length="1"/></Response>)";
  EXPECT_EQ(whisper_document(whole), whole);
}

TEST(TwiML, SayThenHangUpWithEscaping) {
  EXPECT_EQ(render_twiml(say(R"(Tom & Jerry's <"shop"> is closed)"), kCtx),
            xml("<Say>Tom &amp; Jerry&apos;s &lt;&quot;shop&quot;&gt; is closed</Say><Hangup/>"));
  // Control characters cannot appear in XML at all: they are dropped.
  EXPECT_EQ(render_twiml(say(std::string("a\x01"
                                         "b\x1f"
                                         "c\td")),
                         kCtx),
            xml("<Say>abc\td</Say><Hangup/>"));
  EXPECT_EQ(render_twiml(say(""), kCtx), xml("<Hangup/>"));
}

TEST(TwiML, AssistantConnectsTheMediaStream) {
  EXPECT_EQ(render_twiml(assistant(), kCtx),
            xml(R"(<Connect><Stream url="wss://sb.example.com/media/stream">)"
                R"(<Parameter name="callId" value="call-1"/></Stream></Connect>)"));
  RenderContext odd = kCtx;
  odd.stream_url = "wss://h/s?a=1&b=\"2\"";
  odd.call_id = "<id>";
  EXPECT_EQ(render_twiml(assistant(), odd),
            xml(R"(<Connect><Stream url="wss://h/s?a=1&amp;b=&quot;2&quot;">)"
                R"(<Parameter name="callId" value="&lt;id&gt;"/></Stream></Connect>)"));
}

TEST(TwiML, HangupRejectsTheCall) {
  EXPECT_EQ(render_twiml(hangup(), kCtx), xml("<Reject/>"));
}

}  // namespace
}  // namespace sb::telephony
