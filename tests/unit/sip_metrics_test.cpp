// SIP transaction counters as GET /metrics shows them: requests by method, final responses by
// method and status class; provisional responses and unknown methods as the rules say.

#include "telephony/sip/sip_metrics.hpp"

#include <gtest/gtest.h>

namespace sb::telephony::sip {
namespace {

TEST(SipMetrics, CountsRequestsAndFinalResponsesByMethodAndClass) {
  SipMetrics m;
  m.request_received("INVITE");
  m.request_received("INVITE");
  m.request_received("SUBSCRIBE");  // not one of ours: OTHER
  m.response_sent("INVITE", 100);   // provisional: not a transaction's end
  m.response_sent("INVITE", 200);
  m.response_sent("INVITE", 486);
  m.response_received("BYE", 200);
  m.response_received("INVITE", 408);  // a timeout sofia reported
  m.response_received("INVITE", 999);  // not a status
  const auto text = m.render();
  EXPECT_NE(text.find("# TYPE switchboard_sip_requests_received_total counter\n"),
            std::string::npos);
  EXPECT_NE(text.find("switchboard_sip_requests_received_total{method=\"INVITE\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("switchboard_sip_requests_received_total{method=\"OTHER\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("switchboard_sip_responses_sent_total{method=\"INVITE\",class=\"2xx\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("switchboard_sip_responses_sent_total{method=\"INVITE\",class=\"4xx\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(text.find("class=\"1xx\""), std::string::npos);
  EXPECT_NE(text.find("switchboard_sip_responses_received_total{method=\"BYE\",class=\"2xx\"} 1\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("switchboard_sip_responses_received_total{method=\"INVITE\",class=\"4xx\"} 1\n"),
      std::string::npos);
  EXPECT_EQ(text.find("9xx"), std::string::npos);
}

TEST(SipMetrics, NothingCountedShowsOnlyTheHeaders) {
  const auto text = SipMetrics().render();
  EXPECT_EQ(text.find("{method="), std::string::npos);
  EXPECT_NE(text.find("# HELP switchboard_sip_responses_received_total"), std::string::npos);
}

}  // namespace
}  // namespace sb::telephony::sip
