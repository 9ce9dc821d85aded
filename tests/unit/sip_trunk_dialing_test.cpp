// Dialling out through a byo-sip-trunk credential: the gateways tried and the INVITE each gets,
// and what each SIP final response means for the call.
#include "telephony/sip/trunk_dialing.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::telephony::sip {
namespace {

boost::json::object credential(const char* text) {
  return boost::json::parse(text).as_object();
}

TEST(SipTrunkDialing, TriesOutboundGatewaysInOrderWithDefaults) {
  const auto c = credential(R"({"provider":"byo-sip-trunk","gateways":[
      {"ip":"10.0.0.1"},
      {"ip":"10.0.0.2","outboundEnabled":false},
      {"ip":"sip.carrier.example","port":5080,"outboundProtocol":"tcp"}]})");
  const auto t = trunk_targets(c, "+14155550100", "+14155550199", "sb.example.com");
  ASSERT_EQ(t.targets.size(), 2u);
  EXPECT_TRUE(t.skipped.empty());
  EXPECT_EQ(t.targets[0].request_uri, "sip:14155550199@10.0.0.1:5060;transport=udp");
  EXPECT_EQ(t.targets[0].to_uri, "sip:14155550199@10.0.0.1:5060");
  EXPECT_EQ(t.targets[0].from_uri, "sip:14155550100@sb.example.com");
  EXPECT_EQ(t.targets[0].transport, "udp");
  EXPECT_EQ(t.targets[0].gateway, "10.0.0.1:5060");
  EXPECT_TRUE(t.targets[0].headers.empty());
  EXPECT_TRUE(t.targets[0].auth_username.empty());
  EXPECT_EQ(t.targets[1].request_uri, "sip:14155550199@sip.carrier.example:5080;transport=tcp");
  EXPECT_EQ(t.targets[1].transport, "tcp");
}

TEST(SipTrunkDialing, LeadingPlusTechPrefixAuthAndDiversion) {
  const auto c = credential(R"({"gateways":[{"ip":"10.0.0.1","port":5070}],
      "outboundLeadingPlusEnabled":true,"techPrefix":"9911#",
      "sipDiversionHeader":"14155550100",
      "outboundAuthenticationPlan":{"authUsername":"trunkuser","authPassword":"s3cret"}})");
  const auto t = trunk_targets(c, "14155550100", "+14155550199", "sb.example.com");
  ASSERT_EQ(t.targets.size(), 1u);
  // The prefix goes before the number in the Request-URI only; To names the customer.
  EXPECT_EQ(t.targets[0].request_uri, "sip:9911#+14155550199@10.0.0.1:5070;transport=udp");
  EXPECT_EQ(t.targets[0].to_uri, "sip:+14155550199@10.0.0.1:5070");
  EXPECT_EQ(t.targets[0].from_uri, "sip:+14155550100@sb.example.com");
  ASSERT_EQ(t.targets[0].headers.size(), 1u);
  EXPECT_EQ(t.targets[0].headers[0].first, "Diversion");
  EXPECT_EQ(t.targets[0].headers[0].second, "<sip:14155550100@10.0.0.1>;reason=unconditional");
  EXPECT_EQ(t.targets[0].auth_username, "trunkuser");
  EXPECT_EQ(t.targets[0].auth_password, "s3cret");
}

TEST(SipTrunkDialing, DiversionGivenAsUriOrNameAddrIsKept) {
  auto c =
      credential(R"({"gateways":[{"ip":"10.0.0.1"}],"sipDiversionHeader":"sip:desk@pbx.example"})");
  EXPECT_EQ(trunk_targets(c, "1", "2", "h").targets[0].headers[0].second,
            "<sip:desk@pbx.example>;reason=unconditional");
  c = credential(
      R"({"gateways":[{"ip":"10.0.0.1"}],"sipDiversionHeader":"<sip:a@b>;reason=user-busy"})");
  EXPECT_EQ(trunk_targets(c, "1", "2", "h").targets[0].headers[0].second,
            "<sip:a@b>;reason=user-busy");
}

TEST(SipTrunkDialing, TlsGatewaysAreSkippedWithWhyAndIpv6IsBracketed) {
  const auto c = credential(R"({"gateways":[{"ip":"10.0.0.1","outboundProtocol":"tls"},
      {"ip":"10.0.0.2","outboundProtocol":"tls/srtp"},{"ip":"2001:db8::1"}]})");
  const auto t = trunk_targets(c, "+1", "alice", "::1");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].request_uri, "sip:alice@[2001:db8::1]:5060;transport=udp");
  EXPECT_EQ(t.targets[0].from_uri, "sip:1@[::1]");
  ASSERT_EQ(t.skipped.size(), 2u);
  EXPECT_EQ(t.skipped[0], "10.0.0.1:5060: tls is not supported (udp and tcp are)");
}

TEST(SipTrunkDialing, NoGatewaysNoTargets) {
  EXPECT_TRUE(trunk_targets(credential(R"({})"), "+1", "+2", "h").targets.empty());
  EXPECT_TRUE(
      trunk_targets(credential(R"({"gateways":[{"ip":"1.2.3.4","outboundEnabled":false}]})"), "+1",
                    "+2", "h")
          .targets.empty());
}

TEST(SipTrunkDialing, FinalResponsesMapToEndedReasons) {
  EXPECT_TRUE(dial_outcome(200).answered);
  EXPECT_EQ(dial_outcome(486).ended_reason, "customer-busy");
  EXPECT_EQ(dial_outcome(600).ended_reason, "customer-busy");
  EXPECT_EQ(dial_outcome(603).ended_reason, "customer-busy");
  EXPECT_EQ(dial_outcome(403).ended_reason,
            "call.in-progress.error-providerfault-outbound-sip-403-forbidden");
  EXPECT_EQ(dial_outcome(407).ended_reason,
            "call.in-progress.error-providerfault-outbound-sip-407-proxy-authentication-required");
  EXPECT_EQ(dial_outcome(401).ended_reason, dial_outcome(407).ended_reason);
  EXPECT_EQ(dial_outcome(480).ended_reason,
            "call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable");
  EXPECT_EQ(dial_outcome(404).ended_reason, kFailedToConnectReason);
  EXPECT_EQ(dial_outcome(484).ended_reason, kFailedToConnectReason);
  EXPECT_EQ(dial_outcome(488).ended_reason, kFailedToConnectReason);
  for (int status : {400, 403, 404, 480, 486, 488, 600, 603})
    EXPECT_FALSE(dial_outcome(status).try_next) << status;
}

TEST(SipTrunkDialing, ServerErrorsAndTimeoutsTryTheNextGateway) {
  const auto unavailable = dial_outcome(503);
  EXPECT_TRUE(unavailable.try_next);
  EXPECT_EQ(unavailable.ended_reason,
            "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable");
  EXPECT_TRUE(dial_outcome(500).try_next);
  EXPECT_EQ(dial_outcome(500).ended_reason, kFailedToConnectReason);
  EXPECT_TRUE(dial_outcome(408).try_next);
  EXPECT_EQ(dial_outcome(408).ended_reason,
            "call.in-progress.error-providerfault-outbound-sip-408-request-timeout");
}

TEST(SipUriDialling, SipUrisOverUdpOrTcpCanBeDialled) {
  EXPECT_EQ(sip_uri_problem("sip:alice@pbx.example.com"), "");
  EXPECT_EQ(sip_uri_problem("sip:pbx.example.com:5080;transport=TCP"), "");
  EXPECT_EQ(sip_uri_problem("sip:+14155550199@10.0.0.1;user=phone?x=y"), "");
  EXPECT_NE(sip_uri_problem("sips:alice@pbx.example.com"), "");
  EXPECT_NE(sip_uri_problem("tel:+14155550199"), "");
  EXPECT_NE(sip_uri_problem("sip:alice@"), "");
  EXPECT_NE(sip_uri_problem("sip:alice@pbx;transport=tls").find("tls is not supported"),
            std::string::npos);
}

TEST(SipUriDialling, TheTargetIsTheUriAsItStands) {
  const auto t = uri_target("sip:alice@10.0.0.1:5080;transport=tcp?h=1", "desk", "::1");
  EXPECT_EQ(t.request_uri, "sip:alice@10.0.0.1:5080;transport=tcp?h=1");
  EXPECT_EQ(t.to_uri, "sip:alice@10.0.0.1:5080");
  EXPECT_EQ(t.from_uri, "sip:desk@[::1]");
  EXPECT_EQ(t.gateway, "10.0.0.1:5080");
  EXPECT_EQ(t.transport, "tcp");
  EXPECT_EQ(t.auth_username, "");
}

TEST(SipUriDialling, AStoredCredentialsPasswordKeptApartIsUsed) {
  const auto c = boost::json::parse(R"({"gateways":[{"ip":"10.0.0.1"}],
      "outboundAuthenticationPlan":{"authUsername":"u"},
      "outboundAuthenticationPlan.authPassword":"p"})")
                     .as_object();
  const auto t = trunk_targets(c, "+1", "+2", "h").targets;
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].auth_password, "p");
}

}  // namespace
}  // namespace sb::telephony::sip
