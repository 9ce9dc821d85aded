// Each known quirk of Vapi's OpenAPI document (SPEC-QUIRKS.md; handled in quirks.cpp): what a
// client sends must pass where a strict reading of the document would reject it.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "embedded_contract.hpp"

namespace sb::contract {
namespace {

Msgs check(std::string_view schema, std::string_view body) {
  const Schema* s = contract().schema(schema);
  EXPECT_NE(s, nullptr) << schema;
  return s ? contract().validate(*s, boost::json::parse(body)) : Msgs{"no schema"};
}

Msgs body(std::string_view method, std::string_view path, std::string_view json,
          std::string_view discriminator_default = {}) {
  const auto* op = contract().operation(method, path);
  EXPECT_TRUE(op && op->request_body) << method << " " << path;
  if (!op || !op->request_body) return {"no operation"};
  return contract().validate(*op->request_body, boost::json::parse(json), {discriminator_default});
}

TEST(Quirks, ObjectTypedStringEnumsTakeStrings) {
  EXPECT_EQ(check("BackoffPlan", R"({"type":"exponential","maxRetries":3,"baseDelaySeconds":1})"),
            Msgs{});
  EXPECT_EQ(check("BackoffPlan", R"({"type":"linear","maxRetries":3,"baseDelaySeconds":1})"),
            Msgs{"type must be one of the following values: fixed, exponential"});
  EXPECT_EQ(check("BackoffPlan", R"({"type":{},"maxRetries":3,"baseDelaySeconds":1})"),
            Msgs{"type must be one of the following values: fixed, exponential"});
  EXPECT_EQ(check("TransferPlan", R"({"mode":"blind-transfer","sipVerb":"bye"})"), Msgs{});
  EXPECT_EQ(check("TransferPlan", R"({"mode":"blind-transfer","sipVerb":"invite"})"),
            Msgs{"sipVerb must be one of the following values: refer, bye, dial"});
}

TEST(Quirks, ExcludedStatusCodesAreNumbers) {
  EXPECT_EQ(check("BackoffPlan", R"({"type":"fixed","maxRetries":0,"baseDelaySeconds":1,
                                     "excludedStatusCodes":[400,401,403,404]})"),
            Msgs{});
  EXPECT_EQ(check("BackoffPlan", R"({"type":"fixed","maxRetries":0,"baseDelaySeconds":1,
                                     "excludedStatusCodes":[400,{"code":401}]})"),
            Msgs{"each value in excludedStatusCodes must be a number conforming to the specified "
                 "constraints"});
}

TEST(Quirks, AnEnumOnAnArrayConstrainsEachItem) {
  EXPECT_EQ(check("CreateAssistantDTO", R"({"clientMessages":["transcript","hang"]})"), Msgs{});
  auto messages = check("CreateAssistantDTO", R"({"clientMessages":["transcript","nope"]})");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("each value in clientMessages must be one of the following "
                              "values: conversation-update, ",
                              0),
            0u)
      << messages[0];
  EXPECT_EQ(check("CreateAssistantDTO", R"({"serverMessages":"status-update"})"),
            Msgs{"serverMessages must be an array"});
}

TEST(Quirks, AssistantsTakeSilenceTimeoutSecondsWithTheTransferAssistantsBounds) {
  EXPECT_EQ(check("CreateAssistantDTO", R"({"silenceTimeoutSeconds":30})"), Msgs{});
  EXPECT_EQ(check("UpdateAssistantDTO", R"({"silenceTimeoutSeconds":3600})"), Msgs{});
  EXPECT_EQ(check("AssistantOverrides", R"({"silenceTimeoutSeconds":5})"), Msgs{});
  EXPECT_EQ(check("CreateAssistantDTO", R"({"silenceTimeoutSeconds":4})"),
            Msgs{"silenceTimeoutSeconds must not be less than 5"});
}

TEST(Quirks, AnEmptyEnumIsNoConstraint) {
  EXPECT_EQ(check("NeuphonicVoice", R"({"provider":"neuphonic","voiceId":"any-voice",
                                        "language":"en"})"),
            Msgs{});
}

TEST(Quirks, InsightTimeRangesTakeStrings) {
  EXPECT_EQ(check("InsightTimeRange", R"({"start":"2024-01-01T00:00:00Z","end":"now"})"), Msgs{});
  EXPECT_EQ(check("InsightTimeRangeWithStep", R"({"step":"day","start":"-7d","end":"now"})"),
            Msgs{});
  EXPECT_EQ(check("InsightTimeRange", R"({"start":5})"), Msgs{"start must be a string"});
}

TEST(Quirks, CodeToolsAreInTheToolUnion) {
  EXPECT_EQ(body("post", "/tool", R"({"type":"code","code":"return 1;"})"), Msgs{});
  EXPECT_EQ(body("post", "/tool", R"({"type":"code"})"), Msgs{"code must be a string"});
  auto messages = body("post", "/tool", R"({"type":"magic"})");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find(", code"), std::string::npos) << messages[0];
  EXPECT_EQ(body("patch", "/tool/{id}", R"({"code":"return 2;"})", "code"), Msgs{});
}

TEST(Quirks, AMissingMappingIsDerivedFromTheBranches) {
  // ClientMessageAssistantSpeech.timing: a discriminator with no mapping at all.
  auto messages = check("ClientMessageAssistantSpeech", R"({"timing":{"type":"other"}})");
  EXPECT_NE(std::find(messages.begin(), messages.end(),
                      "timing.type must be one of the following values: word-alignment, "
                      "word-progress"),
            messages.end());
}

TEST(Quirks, OneOfWithoutDiscriminatorNeedsOneBranch) {
  // Both squad destinations say type "assistant"; the other properties tell them apart.
  EXPECT_EQ(check("SquadMemberDTO", R"({"assistantDestinations":[
                      {"type":"assistant","assistantName":"Billing","transferMode":"rolling-history"},
                      {"type":"assistant","assistantId":"a1","contextEngineeringPlan":{"type":"all"}}
                   ]})"),
            Msgs{});
  auto messages = check("SquadMemberDTO", R"({"assistantDestinations":[
                      {"type":"assistant","transferMode":"rolling-history"}]})");
  EXPECT_EQ(messages, Msgs{"assistantDestinations.0.assistantName must be a string"});
  // A preset matches both branches of voiceId's oneOf [preset enum, string].
  EXPECT_EQ(check("ElevenLabsVoice", R"({"provider":"11labs","voiceId":"burt"})"), Msgs{});
}

TEST(Quirks, AOneOfIgnoresItsOwnSummaryEnumAndPattern) {
  EXPECT_EQ(check("VapiVoice", R"({"provider":"vapi","voiceId":"Elliot","version":2})"), Msgs{});
  EXPECT_EQ(check("VapiVoice", R"({"provider":"vapi","voiceId":"Elliot","version":"latest"})"),
            Msgs{});
  EXPECT_EQ(check("UpdateUserRoleDTO", R"({"userId":"u1","role":"editor"})"), Msgs{});
  EXPECT_EQ(check("UpdateUserRoleDTO", R"({"userId":"u1","role":"org-support-2"})"), Msgs{});
  EXPECT_EQ(check("UpdateUserRoleDTO", R"({"userId":"u1","role":"boss"})"),
            Msgs{"role must be one of the following values: admin, editor, viewer"});
}

TEST(Quirks, APhoneNumberPatchWithoutProviderUsesTheStoredOne) {
  EXPECT_EQ(body("patch", "/phone-number/{id}", R"({"hooks":[]})", "telnyx"), Msgs{});
}

TEST(Quirks, SquadPatchIsPartial) {
  EXPECT_EQ(body("patch", "/squad/{id}", R"({"name":"Renamed"})"), Msgs{});
  EXPECT_EQ(body("post", "/squad", R"({"name":"New"})"), Msgs{"members must be an array"});
}

TEST(Quirks, StructuredOutputPatchNeedsNoSchemaOverride) {
  const auto* op = contract().operation("patch", "/structured-output/{id}");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(contract().validate_query(*op, {}), Msgs{});
  EXPECT_EQ(contract().validate_query(*op, {{"schemaOverride", "true"}}), Msgs{});
}

TEST(Quirks, ChatResponsesAcceptAModel) {
  EXPECT_EQ(body("post", "/chat/responses", R"({"input":"Hello","model":"gpt-4o"})"), Msgs{});
}

TEST(Quirks, ChatInputTakesOpenAiStyleMessages) {
  EXPECT_EQ(body("post", "/chat", R"({"assistantId":"a1","input":[
                   {"role":"system","content":"Be brief"},
                   {"role":"user","content":"Hello"},
                   {"role":"assistant","content":"Hi"}]})"),
            Msgs{});
}

TEST(Quirks, ATextInsightFormulaIsAnObjectOrAList) {
  EXPECT_EQ(check("InsightTimeRange", R"({})"), Msgs{});
  const char* base = R"({"type":"text","queries":[],"formula":%s})";
  for (std::string formula : {R"({"formula":"a+b"})", R"([{"formula":"a+b"}])"}) {
    char buf[256];
    std::snprintf(buf, sizeof buf, base, formula.c_str());
    EXPECT_EQ(check("CreateTextInsightFromCallTableDTO", buf), Msgs{}) << buf;
  }
}

TEST(Quirks, UnknownPropertiesAreRejectedEverywhere) {
  EXPECT_EQ(check("Server", R"({"url":"https://x","retries":3})"),
            Msgs{"property retries should not exist"});
}

}  // namespace
}  // namespace sb::contract
