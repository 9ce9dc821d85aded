// How an INVITE names its number and what it brings: the request-URI's user, the numbers it
// may ring, a trunk gateway admitting a source by ip and netmask, the caller's number, and X-
// headers as template variables.

#include "telephony/sip/sip_routing.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::telephony::sip {
namespace {

namespace json = boost::json;

json::object trunk(std::string_view gateways) {
  return json::parse(R"({"provider":"byo-sip-trunk","gateways":)" + std::string(gateways) + "}")
      .as_object();
}

TEST(SipRouting, TheUserOfARequestUri) {
  EXPECT_EQ(uri_user("sip:Alice@sip.example.test:5060;transport=udp"), "Alice");
  EXPECT_EQ(uri_user("sips:+14155550100;user=phone@10.0.0.1"), "+14155550100");
  EXPECT_EQ(uri_user("sip:sip.example.test"), "");
  EXPECT_EQ(uri_user("tel:+14155550100"), "");
}

TEST(SipRouting, AUserRingsTheVapiNumberThenTheTrunksNumberInItsSpellings) {
  const auto lookups = number_lookups("14155550100");
  ASSERT_EQ(lookups.size(), 3u);
  EXPECT_EQ(lookups[0].key, "sipUser");
  EXPECT_EQ(lookups[0].provider, "vapi");
  EXPECT_EQ(lookups[1].value, "14155550100");
  EXPECT_EQ(lookups[2].value, "+14155550100");
  EXPECT_EQ(lookups[2].provider, "byo-phone-number");
  const auto plus = number_lookups("+14155550100");
  ASSERT_EQ(plus.size(), 3u);
  EXPECT_EQ(plus[2].value, "14155550100");
  EXPECT_EQ(number_lookups("Front-Desk")[0].value, "front-desk");  // users match case-insensitively
  EXPECT_TRUE(number_lookups("").empty());
}

TEST(SipRouting, AGatewayAdmitsItsAddressAndNetmaskWhenInboundIsEnabled) {
  const auto one = trunk(R"([{"ip":"192.0.2.10"}])");
  EXPECT_TRUE(gateway_admits(one, "192.0.2.10:5060"));
  EXPECT_FALSE(gateway_admits(one, "192.0.2.11:5060"));  // netmask 32 by default
  const auto subnet = trunk(R"([{"ip":"192.0.2.0","netmask":24}])");
  EXPECT_TRUE(gateway_admits(subnet, "192.0.2.200:5070"));
  EXPECT_FALSE(gateway_admits(subnet, "192.0.3.1:5060"));
  EXPECT_FALSE(
      gateway_admits(trunk(R"([{"ip":"192.0.2.10","inboundEnabled":false}])"), "192.0.2.10:5060"));
  EXPECT_FALSE(gateway_admits(trunk(R"([{"ip":"sip.example.test"}])"), "192.0.2.10:5060"));
  EXPECT_TRUE(gateway_admits(trunk(R"([{"ip":"x"},{"ip":"127.0.0.1"}])"), "127.0.0.1"));
  EXPECT_TRUE(gateway_admits(trunk(R"([{"ip":"2001:db8::1"}])"), "[2001:db8::1]:5060"));
  // Only a SIP trunk's gateways count.
  auto other = one;
  other["provider"] = "vonage";
  EXPECT_FALSE(gateway_admits(other, "192.0.2.10:5060"));
}

TEST(SipRouting, TheCallersNumberWhenTheFromUserIsOne) {
  EXPECT_EQ(caller_number("sip:14155550123@10.0.0.1"), "+14155550123");
  EXPECT_EQ(caller_number("sip:+14155550123@10.0.0.1"), "+14155550123");
  EXPECT_EQ(caller_number("sip:alice@10.0.0.1"), "");
}

TEST(SipRouting, XHeadersAreTemplateVariablesNamedCaseInsensitively) {
  const auto variables =
      header_variables({{"X-First_Name", "John"}, {"x-first_name", "Jack"}, {"X-City", "Oslo"}});
  EXPECT_EQ(variables, json::parse(R"({"first_name":"John","city":"Oslo"})").as_object());
}

}  // namespace
}  // namespace sb::telephony::sip
