// The REFER of a blind SIP transfer: Refer-To from the destination's sipUri, and its
// sipHeaders either in the Refer-To URI (escaped) or as headers of the REFER; the status line
// of the NOTIFYs' message/sipfrag bodies that tell how the transfer went.
#include "telephony/sip/sip_transfer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::telephony::sip {
namespace {

TEST(SipTransfer, HeadersGoIntoTheReferToUriEscapedWhenEnabled) {
  const auto headers =
      boost::json::parse(R"({"X-Case":"42","X-Note":"hello there & more","X-N":7})");
  const auto r = refer_request("sip:desk@pbx.example", &headers.as_object(), true);
  EXPECT_EQ(r.refer_to, "<sip:desk@pbx.example?X-Case=42&X-Note=hello%20there%20%26%20more&X-N=7>");
  EXPECT_TRUE(r.headers.empty());
}

TEST(SipTransfer, HeadersGoOnTheReferOtherwise) {
  const auto headers = boost::json::parse(R"({"X-Case":"42"})");
  const auto r = refer_request("sip:desk@pbx.example", &headers.as_object(), false);
  EXPECT_EQ(r.refer_to, "<sip:desk@pbx.example>");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (SipHeader{"X-Case", "42"}));
  EXPECT_EQ(refer_request("sip:a@b", nullptr, true).refer_to, "<sip:a@b>");
}

TEST(SipTransfer, SipfragStatusIsTheStatusLinesCode) {
  EXPECT_EQ(sipfrag_status("SIP/2.0 200 OK\r\n"), 200);
  EXPECT_EQ(sipfrag_status("SIP/2.0 100 Trying"), 100);
  EXPECT_EQ(sipfrag_status("\r\nsip/2.0 486 Busy Here\r\nContact: <sip:x@y>\r\n"), 486);
  EXPECT_EQ(sipfrag_status("SIP/2.0 603\r\n"), 603);
  EXPECT_EQ(sipfrag_status(""), std::nullopt);
  EXPECT_EQ(sipfrag_status("INVITE sip:a@b SIP/2.0"), std::nullopt);  // a request line
  EXPECT_EQ(sipfrag_status("SIP/2.0 2000 OK"), std::nullopt);
  EXPECT_EQ(sipfrag_status("SIP/2.0 20 OK"), std::nullopt);
  EXPECT_EQ(sipfrag_status("SIP/2.0 099 Odd"), std::nullopt);
}

}  // namespace
}  // namespace sb::telephony::sip
