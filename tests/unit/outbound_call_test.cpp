#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "domain/calls/outbound_call.hpp"

namespace sb::calls {
namespace {

namespace json = boost::json;

json::object body(const char* text) {
  return json::parse(text).as_object();
}

std::string refusal(const char* text) {
  try {
    check_outbound_call(body(text));
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.what();
  }
  return "";
}

TEST(OutboundCall, WantsAPhoneCallWithANumberOrCustomers) {
  EXPECT_TRUE(wants_phone_call(body(R"({"phoneNumberId":"x"})")));
  EXPECT_TRUE(wants_phone_call(body(R"({"phoneNumber":{}})")));
  EXPECT_TRUE(wants_phone_call(body(R"({"customers":[]})")));
  EXPECT_FALSE(wants_phone_call(body(R"({"assistantId":"a","customer":{"number":"+1"}})")));
}

TEST(OutboundCall, ChecksWhatTheContractCannot) {
  EXPECT_EQ(
      refusal(R"({"phoneNumberId":"n","assistantId":"a","customer":{"number":"+14155550100"}})"),
      "");
  EXPECT_NE(refusal(R"({"phoneNumberId":"n","assistantId":"a"})").find("customer.number"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"phoneNumberId":"n","assistantId":"a","customer":{"name":"x"}})")
                .find("customer.number"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"phoneNumberId":"n","customer":{"number":"+1"}})").find("assistantId"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"customers":[{"number":"+1"}],"assistantId":"a"})").find("phoneNumberId"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"phoneNumberId":"n","assistantId":"a","customers":[]})").find("customers"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"phoneNumberId":"n","assistantId":"a","customer":{"number":"+1"},
                       "customers":[{"number":"+2"}]})")
                .find("not both"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"phoneNumberId":"n","assistantId":"a","customer":{"number":"+1"},
                       "transport":{"provider":"vapi.websocket"}})")
                .find("vapi.websocket"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"phoneNumber":{"twilioAccountSid":"AC1"},"assistantId":"a",
                       "customer":{"number":"+1"}})")
                .find("twilioPhoneNumber"),
            std::string::npos);
}

TEST(OutboundCall, ATransientNumberIsTwilioUnlessItSaysOtherwise) {
  EXPECT_EQ(transient_provider(body(R"({"phoneNumber":{"twilioPhoneNumber":"+1"}})")), "twilio");
  EXPECT_EQ(transient_provider(body(R"({"phoneNumber":{"provider":"vonage"}})")), "vonage");
  EXPECT_EQ(transient_provider(body(R"({"phoneNumberId":"n"})")), "");
  EXPECT_EQ(transient_number(body(R"({"phoneNumber":{"twilioPhoneNumber":"+14155550100"}})")),
            "+14155550100");
}

TEST(OutboundCall, ABatchIsOneRequestPerCustomer) {
  const auto requests = requests_per_customer(body(
      R"({"phoneNumberId":"n","assistantId":"a","customers":[{"number":"+1"},{"number":"+2"}]})"));
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1],
            body(R"({"phoneNumberId":"n","assistantId":"a","customer":{"number":"+2"}})"));
  EXPECT_EQ(requests_per_customer(body(R"({"customer":{"number":"+1"}})")).size(), 1u);
}

TEST(OutboundCall, TheNewCallIsQueuedAndShowsNoSecretOfATransientNumber) {
  const auto call = new_outbound_call(
      "c1", "o1",
      body(R"({"phoneNumber":{"twilioPhoneNumber":"+14155550100","twilioAccountSid":"AC1",
               "twilioAuthToken":"secret"},"assistantId":"a","customer":{"number":"+16505550100"},
               "name":"n","metadata":{"k":1}})"),
      "twilio", 0);
  EXPECT_EQ(call.at("type"), "outboundPhoneCall");
  EXPECT_EQ(call.at("status"), "queued");
  EXPECT_EQ(call.at("phoneCallProvider"), "twilio");
  EXPECT_EQ(call.at("phoneCallTransport"), "pstn");
  EXPECT_EQ(call.at("assistantId"), "a");
  EXPECT_EQ(call.at("customer"), body(R"({"number":"+16505550100"})"));
  EXPECT_EQ(call.at("phoneNumber"),
            body(R"({"provider":"twilio","number":"+14155550100","twilioAccountSid":"AC1"})"));
  EXPECT_EQ(json::serialize(call).find("secret"), std::string::npos);
  EXPECT_EQ(call.at("createdAt"), "1970-01-01T00:00:00.000Z");
}

TEST(OutboundCall, ACarriersFinalStatusesGiveTheEndedReason) {
  constexpr std::string_view kNever = "twilio-failed-to-connect-call";
  EXPECT_EQ(ended_reason_for_outbound_status("busy", kNever), "customer-busy");
  EXPECT_EQ(ended_reason_for_outbound_status("no-answer", kNever), "customer-did-not-answer");
  EXPECT_EQ(ended_reason_for_outbound_status("failed", kNever), kNever);
  EXPECT_EQ(ended_reason_for_outbound_status("canceled", "other-carrier-reason"),
            "other-carrier-reason");
  EXPECT_EQ(ended_reason_for_outbound_status("completed", kNever), "customer-ended-call");
  for (const char* status : {"queued", "initiated", "ringing", "in-progress", "answered"})
    EXPECT_EQ(ended_reason_for_outbound_status(status, kNever), "") << status;
}

TEST(OutboundCall, BatchResponse) {
  EXPECT_EQ(batch_response({json::object{{"id", "c1"}}},
                           {json::object{{"customer", json::object{}}, {"error", "e"}}}),
            body(R"({"results":[{"id":"c1"}],"errors":[{"customer":{},"error":"e"}]})"));
}

TEST(RequestedDialTimeout, IsTheVapiSipTransportsDialTimeoutWithinItsRange) {
  EXPECT_EQ(
      requested_dial_timeout(
          json::parse(R"({"transport":{"provider":"vapi.sip","dialTimeout":25}})").as_object()),
      25);
  EXPECT_EQ(
      requested_dial_timeout(
          json::parse(R"({"transport":{"provider":"vapi.sip","dialTimeout":9000}})").as_object()),
      600);
  EXPECT_EQ(
      requested_dial_timeout(json::parse(R"({"transport":{"provider":"vapi.sip"}})").as_object()),
      std::nullopt);
  EXPECT_EQ(requested_dial_timeout(
                json::parse(R"({"transport":{"provider":"twilio","dialTimeout":25}})").as_object()),
            std::nullopt);
  EXPECT_EQ(requested_dial_timeout(json::object{}), std::nullopt);
}

}  // namespace
}  // namespace sb::calls
