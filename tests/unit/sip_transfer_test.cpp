// The REFER of a blind SIP transfer: Refer-To from the destination's sipUri, and its
// sipHeaders either in the Refer-To URI (escaped) or as headers of the REFER.
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

}  // namespace
}  // namespace sb::telephony::sip
