// Keypad digits in SIP INFO bodies: application/dtmf-relay's Signal line (and application/dtmf's
// bare digit) read, and the body the dtmf tool sends with sipInfoDtmfEnabled.
#include "telephony/sip/sip_info_dtmf.hpp"

#include <gtest/gtest.h>

namespace sb::telephony::sip {
namespace {

TEST(SipInfoDtmf, ReadsTheSignalOfADtmfRelayBody) {
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Signal=5\r\nDuration=160\r\n"), '5');
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Duration=250\nsignal = #\n"), '#');
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Signal=*\r\n"), '*');
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Signal=b\r\n"), 'B');
  // RFC 4733's event numbers for * and #, as some phones send them.
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Signal=10\r\n"), '*');
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Signal=11\r\n"), '#');
}

TEST(SipInfoDtmf, RefusesWhatIsNoKey) {
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Duration=160\r\n"), std::nullopt);
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Signal=16\r\n"), std::nullopt);  // flash
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, "Signal=x\r\n"), std::nullopt);
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, ""), std::nullopt);
  EXPECT_EQ(info_dtmf_digit("application/sdp", "Signal=5\r\n"), std::nullopt);
}

TEST(SipInfoDtmf, ReadsAnApplicationDtmfBody) {
  EXPECT_EQ(info_dtmf_digit("application/dtmf", "7"), '7');
  EXPECT_EQ(info_dtmf_digit("application/dtmf", " #\r\n"), '#');
  EXPECT_EQ(info_dtmf_digit("application/dtmf", "77"), std::nullopt);
}

TEST(SipInfoDtmf, WritesADtmfRelayBodyItReadsBack) {
  const auto body = dtmf_relay_body('9', 100);
  EXPECT_EQ(body, "Signal=9\r\nDuration=100\r\n");
  EXPECT_EQ(info_dtmf_digit(kDtmfRelayType, body), '9');
}

}  // namespace
}  // namespace sb::telephony::sip
