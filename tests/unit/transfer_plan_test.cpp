#include "domain/calls/transfer_plan.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::calls {
namespace {

namespace json = boost::json;

TransferPlan plan_of(std::string_view transfer_plan) {
  auto destination = json::parse(R"({"type":"number","number":"+15550001111"})").as_object();
  destination["transferPlan"] = json::parse(transfer_plan);
  return TransferPlan::of(destination);
}

TEST(TransferPlan, ADestinationWithoutAPlanIsBlind) {
  const auto plan =
      TransferPlan::of(json::parse(R"({"type":"number","number":"+1555"})").as_object());
  EXPECT_EQ(plan.mode, TransferMode::kBlind);
  EXPECT_FALSE(plan.warm());
  EXPECT_FALSE(plan.needs_summary());
  EXPECT_EQ(plan.mode_name(), "blind-transfer");
  EXPECT_EQ(plan.sip_verb, "refer");  // SIP calls: REFER unless the plan says otherwise
  EXPECT_FALSE(plan.sip_headers_in_refer_to);
}

TEST(TransferPlan, ReadsTheSipVerbAndHeadersInReferTo) {
  const auto bye = plan_of(R"({"mode":"blind-transfer","sipVerb":"bye"})");
  EXPECT_EQ(bye.sip_verb, "bye");
  const auto refer = plan_of(R"({"sipHeadersInReferToEnabled":true})");
  EXPECT_EQ(refer.sip_verb, "refer");
  EXPECT_TRUE(refer.sip_headers_in_refer_to);
}

TEST(TransferPlan, ReadsEachModeAndWhatItNeeds) {
  const auto wait =
      plan_of(R"({"mode":"warm-transfer-wait-for-operator-to-speak-first-and-then-say-summary",
      "timeout": 2000, "summaryPlan": {"timeoutSeconds": 9}})");
  EXPECT_EQ(wait.mode, TransferMode::kWarmWaitThenSummary);
  EXPECT_TRUE(wait.warm());
  EXPECT_TRUE(wait.needs_summary());
  EXPECT_TRUE(wait.waits_for_operator());
  EXPECT_FALSE(wait.speaks_message());
  EXPECT_EQ(wait.operator_timeout, std::chrono::seconds(600));  // the schema's bound
  EXPECT_EQ(summary_timeout(wait.summary_plan), std::chrono::seconds(9));

  const auto message = plan_of(
      R"({"mode":"warm-transfer-say-message","message":{"type":"custom-message","content":"Hi"}})");
  EXPECT_TRUE(message.speaks_message());
  EXPECT_EQ(message.message, "Hi");
  EXPECT_EQ(message.operator_timeout, std::chrono::seconds(60));

  const auto header = plan_of(R"({"mode":"blind-transfer-add-summary-to-sip-header"})");
  EXPECT_FALSE(header.warm());
  EXPECT_TRUE(header.needs_summary());
  EXPECT_EQ(summary_timeout(header.summary_plan), std::chrono::seconds(5));
}

TEST(TransferPlan, RefusesWhatCannotBeCarriedOut) {
  const auto warm = plan_of(R"({"mode":"warm-transfer-say-summary"})");
  EXPECT_EQ(transfer_plan_refusal(warm, "twilio", true), std::nullopt);
  const auto on_vonage = transfer_plan_refusal(warm, "vonage", false);
  ASSERT_TRUE(on_vonage);
  EXPECT_NE(on_vonage->find("Twilio calls only"), std::string::npos);
  EXPECT_NE(on_vonage->find("vonage"), std::string::npos);
  // Blind modes go through any carrier that transfers.
  EXPECT_EQ(transfer_plan_refusal(plan_of(R"({"mode":"blind-transfer-add-summary-to-sip-header"})"),
                                  "vonage", false),
            std::nullopt);
  EXPECT_TRUE(
      transfer_plan_refusal(plan_of(R"({"mode":"warm-transfer-experimental"})"), "twilio", true));
  EXPECT_TRUE(transfer_plan_refusal(plan_of(R"({"mode":"warm-transfer-twiml"})"), "twilio", true));
  EXPECT_TRUE(
      transfer_plan_refusal(plan_of(R"({"mode":"warm-transfer-say-message"})"), "twilio", true));
}

TEST(TransferPlan, SummaryMessagesFillTheTemplates) {
  const auto plan = json::parse(R"({"messages":[
      {"role":"system","content":"Brief the agent. Context: {{ systemPrompt }}"},
      {"role":"user","content":"{{transcript}} / {{endedReason}} / {{transcript}}"}]})")
                        .as_object();
  const auto messages = summary_messages(plan, "AI: hi\nUser: help\n", "Be kind.", "");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].at("content"), "Brief the agent. Context: Be kind.");
  EXPECT_EQ(messages[1].at("content"), "AI: hi\nUser: help\n /  / AI: hi\nUser: help\n");
  // Without messages: an instruction and the transcript.
  const auto defaults = summary_messages({}, "AI: hi\n", "", "");
  ASSERT_EQ(defaults.size(), 2u);
  EXPECT_EQ(defaults[0].at("role"), "system");
  EXPECT_NE(defaults[1].at("content").as_string().find("AI: hi"), std::string::npos);
}

}  // namespace
}  // namespace sb::calls
