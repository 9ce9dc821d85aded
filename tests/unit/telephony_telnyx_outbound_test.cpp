#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

#include "telephony/telnyx_outbound.hpp"

namespace sb::telephony {
namespace {

TEST(TelnyxOutbound, TheDialBodyNamesTheCallItsTexmlStreamAndTheCallbacks) {
  OutboundDial dial{"+16505550100", "+14155550100", "wss://sb.example/telnyx/stream/c1?token=t0k",
                    "c1", "https://sb.example/telnyx/outbound_status/c1"};
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
}

}  // namespace
}  // namespace sb::telephony
