#include <gtest/gtest.h>

#include <string>

#include "telephony/ncco.hpp"
#include "telephony/texml.hpp"
#include "telephony_render_support.hpp"

namespace sb::telephony {
namespace {

using namespace test;  // NOLINT: the shared decisions and context of the renderer tests

// ---- TeXML ----

TEST(TeXML, TransferAndSayMirrorTwiML) {
  EXPECT_EQ(
      render_texml(transfer(R"({"type":"number","number":"+15550001111","extension":"9"})"), kCtx),
      xml(R"(<Dial callerId="+14155550100"><Number sendDigits="ww9">+15550001111</Number>)"
          R"(</Dial>)"));
  EXPECT_EQ(
      render_texml(transfer(R"({"type":"sip","sipUri":"sip:a@b.com","callerId":"x<y"})"), kCtx),
      xml(R"(<Dial callerId="x&lt;y"><Sip>sip:a@b.com</Sip></Dial>)"));
  EXPECT_EQ(render_texml(say("Bye & thanks"), kCtx), xml("<Say>Bye &amp; thanks</Say><Hangup/>"));
  EXPECT_EQ(render_texml(hangup(), kCtx), xml("<Reject/>"));
}

TEST(TeXML, AssistantStreamCarriesTheCallIdInItsUrl) {
  EXPECT_EQ(render_texml(assistant(), kCtx),
            xml(R"(<Connect><Stream url="wss://sb.example.com/media/stream?callId=call-1")"
                R"( bidirectionalMode="rtp"/></Connect>)"));
  RenderContext with_query = kCtx;
  with_query.stream_url = "wss://h/s?x=1";
  with_query.call_id = "a b&c";
  EXPECT_EQ(render_texml(assistant(), with_query),
            xml(R"(<Connect><Stream url="wss://h/s?x=1&amp;callId=a%20b%26c")"
                R"( bidirectionalMode="rtp"/></Connect>)"));
}

// ---- NCCO ----

TEST(Ncco, TransferToAPhoneWithoutPlusSigns) {
  EXPECT_EQ(render_ncco(transfer(R"({"type":"number","number":"+15550001111"})"), kCtx),
            R"([{"action":"connect","from":"14155550100",)"
            R"("endpoint":[{"type":"phone","number":"15550001111"}]}])");
  EXPECT_EQ(render_ncco(transfer(R"({"type":"number","number":"+15550001111","extension":"42",
      "callerId":"+15559998888","message":"Transferring \"you\""})"),
                        kCtx),
            R"([{"action":"talk","text":"Transferring \"you\""},)"
            R"({"action":"connect","from":"15559998888",)"
            R"("endpoint":[{"type":"phone","number":"15550001111","dtmfAnswer":"pp42"}]}])");
}

TEST(Ncco, TransferToSipWithHeaders) {
  EXPECT_EQ(render_ncco(transfer(R"({"type":"sip","sipUri":"sip:desk@example.com",
      "sipHeaders":{"X-Account":"gold"}})"),
                        kCtx),
            R"([{"action":"connect","from":"14155550100","endpoint":[{"type":"sip",)"
            R"("uri":"sip:desk@example.com","headers":{"X-Account":"gold"}}]}])");
}

TEST(Ncco, SayEndsWhenTheNccoRunsOut) {
  EXPECT_EQ(render_ncco(say("Closed <today> & \"tomorrow\""), kCtx),
            R"([{"action":"talk","text":"Closed <today> & \"tomorrow\""}])");
}

TEST(Ncco, AssistantConnectsAWebsocket) {
  EXPECT_EQ(render_ncco(assistant(), kCtx),
            R"([{"action":"connect","endpoint":[{"type":"websocket",)"
            R"("uri":"wss://sb.example.com/media/stream","content-type":"audio/l16;rate=16000",)"
            R"("headers":{"callId":"call-1"}}]}])");
}

TEST(Ncco, HangupIsAnEmptyNcco) {
  EXPECT_EQ(render_ncco(hangup(), kCtx), "[]");
}

}  // namespace
}  // namespace sb::telephony
