#include "domain/calls/inbound_call.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::calls {
namespace {

namespace json = boost::json;

constexpr std::int64_t kRang = 1'764'200'000'000;  // 2025-11-26T23:33:20Z

json::object number() {
  return json::parse(R"({"id":"n1","provider":"twilio","number":"+14155550100"})").as_object();
}

json::object rang() {
  return new_inbound_call("c1", "o1", number(), {"twilio", "CA1", "+14155550123"}, kRang);
}

TEST(InboundCall, ANewCallIsRingingOnItsNumber) {
  const auto call = rang();
  EXPECT_EQ(call.at("type"), "inboundPhoneCall");
  EXPECT_EQ(call.at("status"), "ringing");
  EXPECT_EQ(call.at("phoneNumberId"), "n1");
  EXPECT_EQ(call.at("phoneCallProviderId"), "CA1");
  EXPECT_EQ(call.at("customer").at("number"), "+14155550123");
  EXPECT_EQ(call.at("createdAt"), call.at("updatedAt"));
  EXPECT_FALSE(call.contains("endedReason"));
}

TEST(InboundCall, AnAssistantStartsItAndOnlyTheFirstEndCounts) {
  auto call = rang();
  start_with_assistant(call, json::parse(R"({"assistantId":"a1","ignored":1})").as_object(),
                       kRang + 5);
  EXPECT_EQ(call.at("status"), "in-progress");
  EXPECT_EQ(call.at("assistantId"), "a1");
  EXPECT_FALSE(call.contains("ignored"));
  EXPECT_TRUE(end_call(call, "customer-ended-call", kRang + 9));
  EXPECT_FALSE(end_call(call, "customer-busy", kRang + 10));  // a late callback
  EXPECT_EQ(call.at("endedReason"), "customer-ended-call");
  EXPECT_EQ(call.at("status"), "ended");
}

TEST(InboundCall, ProviderStatusesMapToTheDocumentsEndedReasons) {
  EXPECT_EQ(ended_reason_for_provider_status("completed"), "customer-ended-call");
  EXPECT_EQ(ended_reason_for_provider_status("busy"), "customer-busy");
  EXPECT_EQ(ended_reason_for_provider_status("no-answer"), "customer-did-not-answer");
  EXPECT_EQ(ended_reason_for_provider_status("failed"), "twilio-failed-to-connect-call");
  EXPECT_EQ(ended_reason_for_provider_status("in-progress"), "");
  EXPECT_EQ(ended_reason_for_provider_status("ringing"), "");
}

TEST(InboundCall, MessagesCarryTheCallAndItsState) {
  auto call = rang();
  end_call(call, "assistant-request-failed", kRang + 1);
  const auto update = status_update_message(call, number(), kRang + 2);
  EXPECT_EQ(update.at("type"), "status-update");
  EXPECT_EQ(update.at("status"), "ended");
  EXPECT_EQ(update.at("endedReason"), "assistant-request-failed");
  EXPECT_EQ(update.at("call").at("id"), "c1");
  EXPECT_EQ(update.at("phoneNumber").at("id"), "n1");
  EXPECT_EQ(update.at("timestamp").to_number<std::int64_t>(), kRang + 2);
  const auto report = end_of_call_report(call, number(), kRang + 3);
  EXPECT_EQ(report.at("type"), "end-of-call-report");
  EXPECT_EQ(report.at("endedReason"), "assistant-request-failed");
  EXPECT_TRUE(report.at("artifact").is_object());
  EXPECT_TRUE(report.at("analysis").is_object());
}

}  // namespace
}  // namespace sb::calls
