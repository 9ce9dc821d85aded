#include "telephony/routing.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sb::telephony {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

// Existing objects: assistant "a-1", squad "s-1".
bool exists(std::string_view kind, std::string_view id) {
  return (kind == "assistant" && id == "a-1") || (kind == "squad" && id == "s-1");
}

constexpr std::string_view kSayHook =
    R"({"on":"call.ringing","do":[{"type":"say","exact":"Closed today."}]})";

TEST(RingingHooks, NoHooksOrNoRingingHookDecidesNothing) {
  EXPECT_FALSE(ringing_hook_decision(obj("{}"), "+14155550100"));
  EXPECT_FALSE(ringing_hook_decision(obj(R"({"hooks":[]})"), "+14155550100"));
  EXPECT_FALSE(ringing_hook_decision(
      obj(R"({"hooks":[{"on":"call.ending","do":{"type":"say","exact":"x"}}]})"), "+1415"));
}

TEST(RingingHooks, HookWithoutFiltersFiresAndSays) {
  const auto d =
      ringing_hook_decision(obj(R"({"hooks":[)" + std::string(kSayHook) + "]}"), "+14155550100");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Decision::Kind::kSay);
  EXPECT_EQ(d->text, "Closed today.");
  EXPECT_EQ(d->ended_reason, "call.ringing.hook-executed-say");
}

TEST(RingingHooks, EmptyFilterListFires) {
  const auto d = ringing_hook_decision(
      obj(R"({"hooks":[{"on":"call.ringing","filters":[],"do":[{"type":"say","exact":"hi"}]}]})"),
      "+14155550100");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text, "hi");
}

TEST(RingingHooks, TransferCarriesItsDestination) {
  const auto d = ringing_hook_decision(obj(R"({"hooks":[{"on":"call.ringing","do":[
      {"type":"transfer","destination":{"type":"number","number":"+15550001111"}}]}]})"),
                                       "+14155550100");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Decision::Kind::kTransfer);
  EXPECT_EQ(json::serialize(d->destination), R"({"type":"number","number":"+15550001111"})");
  EXPECT_EQ(d->ended_reason, "call.ringing.hook-executed-transfer");
}

TEST(RingingHooks, StartsWithMatchesTheCallerWithOrWithoutPlus) {
  const auto number = obj(R"({"hooks":[{"on":"call.ringing",
      "filters":[{"type":"startsWith","key":"number","startsWith":["1415","44"]}],
      "do":[{"type":"say","exact":"filtered"}]}]})");
  EXPECT_TRUE(ringing_hook_decision(number, "+14155550100"));
  EXPECT_TRUE(ringing_hook_decision(number, "14155550100"));
  EXPECT_TRUE(ringing_hook_decision(number, "+442071838750"));
  EXPECT_FALSE(ringing_hook_decision(number, "+12125550100"));
  EXPECT_FALSE(ringing_hook_decision(number, "+1"));  // shorter than the prefix
}

TEST(RingingHooks, PrefixWrittenWithPlusStillMatches) {
  const auto number = obj(R"({"hooks":[{"on":"call.ringing",
      "filters":[{"type":"startsWith","key":"number","startsWith":["+1415"]}],
      "do":[{"type":"say","exact":"x"}]}]})");
  EXPECT_TRUE(ringing_hook_decision(number, "+14155550100"));
  EXPECT_FALSE(ringing_hook_decision(number, "+12125550100"));
}

TEST(RingingHooks, EveryFilterMustMatchAndUnknownFiltersMatchNothing) {
  const auto both = obj(R"({"hooks":[{"on":"call.ringing","filters":[
      {"type":"startsWith","key":"number","startsWith":["1"]},
      {"type":"startsWith","key":"number","startsWith":["1212"]}],
      "do":[{"type":"say","exact":"x"}]}]})");
  EXPECT_TRUE(ringing_hook_decision(both, "+12125550100"));
  EXPECT_FALSE(ringing_hook_decision(both, "+14155550100"));
  const auto unknown = obj(R"({"hooks":[{"on":"call.ringing","filters":[
      {"type":"endsWith","key":"number","startsWith":["1"]}],"do":[{"type":"say","exact":"x"}]}]})");
  EXPECT_FALSE(ringing_hook_decision(unknown, "+12125550100"));
}

TEST(RingingHooks, OnlyTheFirstActionRuns) {
  const auto d = ringing_hook_decision(obj(R"({"hooks":[{"on":"call.ringing","do":[
      {"type":"say","exact":"first"},
      {"type":"transfer","destination":{"type":"number","number":"+15550001111"}}]}]})"),
                                       "+14155550100");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Decision::Kind::kSay);
  EXPECT_EQ(d->text, "first");
}

TEST(RingingHooks, SecondHookFiresWhenTheFirstDoesNotMatch) {
  const auto d = ringing_hook_decision(obj(R"({"hooks":[
      {"on":"call.ringing","filters":[{"type":"startsWith","key":"number","startsWith":["44"]}],
       "do":[{"type":"say","exact":"uk"}]},
      {"on":"call.ending","do":{"type":"say","exact":"ending"}},
      {"on":"call.ringing","do":[{"type":"transfer",
        "destination":{"type":"sip","sipUri":"sip:desk@example.com"}}]}]})"),
                                       "+14155550100");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Decision::Kind::kTransfer);
  EXPECT_EQ(d->destination.at("sipUri").as_string(), "sip:desk@example.com");
}

TEST(RingingHooks, HookWhoseFirstActionCannotRunIsSkipped) {
  const auto d = ringing_hook_decision(obj(R"({"hooks":[
      {"on":"call.ringing","do":[]},
      {"on":"call.ringing","do":[{"type":"transfer"}]},
      {"on":"call.ringing","do":[{"type":"say","exact":"third"}]}]})"),
                                       "+14155550100");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text, "third");
}

TEST(ConfiguredDecision, AssistantThenSquadWhenTheyExist) {
  auto d = configured_decision(obj(R"({"assistantId":"a-1","squadId":"s-1"})"), exists);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Decision::Kind::kAssistant);
  EXPECT_EQ(json::serialize(d->assistant), R"({"assistantId":"a-1"})");
  EXPECT_TRUE(d->ended_reason.empty());

  d = configured_decision(obj(R"({"assistantId":"gone","squadId":"s-1"})"), exists);
  ASSERT_TRUE(d);
  EXPECT_EQ(json::serialize(d->assistant), R"({"squadId":"s-1"})");

  EXPECT_FALSE(configured_decision(obj(R"({"assistantId":"gone"})"), exists));
  EXPECT_FALSE(configured_decision(obj(R"({"squadId":"gone"})"), exists));
  EXPECT_FALSE(configured_decision(obj("{}"), exists));
}

TEST(ConfiguredDecision, AsksForTheRightKind) {
  std::set<std::string> asked;
  const auto spy = [&](std::string_view kind, std::string_view id) {
    asked.insert(std::string(kind) + ":" + std::string(id));
    return false;
  };
  EXPECT_FALSE(configured_decision(obj(R"({"assistantId":"x","squadId":"y"})"), spy));
  EXPECT_EQ(asked, (std::set<std::string>{"assistant:x", "squad:y"}));
}

AssistantRequestOutcome reply(std::string_view body) {
  return assistant_request_decision(true, 200, json::parse(body), exists);
}

TEST(AssistantRequest, AssistantIdThatExistsWithOverrides) {
  const auto o = reply(R"({"assistantId":"a-1","assistantOverrides":{"firstMessage":"Hi"}})");
  ASSERT_TRUE(o.decision);
  EXPECT_EQ(o.decision->kind, Decision::Kind::kAssistant);
  EXPECT_EQ(json::serialize(o.decision->assistant),
            R"({"assistantId":"a-1","assistantOverrides":{"firstMessage":"Hi"}})");
}

TEST(AssistantRequest, AssistantIdThatDoesNotExistIsInvalid) {
  const auto o = reply(R"({"assistantId":"nope"})");
  EXPECT_FALSE(o.decision);
  EXPECT_EQ(o.failure_reason, "assistant-request-returned-invalid-assistant");
  EXPECT_EQ(reply(R"({"assistantId":42})").failure_reason,
            "assistant-request-returned-invalid-assistant");
}

TEST(AssistantRequest, TransientAssistant) {
  const auto o = reply(R"({"assistant":{"firstMessage":"Hey"}})");
  ASSERT_TRUE(o.decision);
  EXPECT_EQ(json::serialize(o.decision->assistant), R"({"assistant":{"firstMessage":"Hey"}})");
  EXPECT_EQ(reply(R"({"assistant":"not an object"})").failure_reason,
            "assistant-request-returned-invalid-assistant");
}

TEST(AssistantRequest, SquadIdAndTransientSquadWithOverrides) {
  auto o = reply(R"({"squadId":"s-1","squadOverrides":{"variableValues":{"a":1}}})");
  ASSERT_TRUE(o.decision);
  EXPECT_EQ(json::serialize(o.decision->assistant),
            R"({"squadId":"s-1","squadOverrides":{"variableValues":{"a":1}}})");
  EXPECT_EQ(reply(R"({"squadId":"missing"})").failure_reason,
            "assistant-request-returned-invalid-assistant");
  o = reply(R"({"squad":{"members":[]}})");
  ASSERT_TRUE(o.decision);
  EXPECT_EQ(json::serialize(o.decision->assistant), R"({"squad":{"members":[]}})");
}

TEST(AssistantRequest, DestinationTransfersAndWinsOverAssistants) {
  const auto o =
      reply(R"({"assistantId":"a-1","destination":{"type":"number","number":"+15550001111"}})");
  ASSERT_TRUE(o.decision);
  EXPECT_EQ(o.decision->kind, Decision::Kind::kTransfer);
  EXPECT_EQ(json::serialize(o.decision->destination),
            R"({"type":"number","number":"+15550001111"})");
  EXPECT_EQ(o.decision->ended_reason, "assistant-request-returned-forwarding-phone-number");
  EXPECT_EQ(reply(R"({"destination":{"type":"number"}})").failure_reason,
            "assistant-request-returned-invalid-assistant");
}

TEST(AssistantRequest, ErrorIsSpokenAndWinsOverEverything) {
  const auto o = reply(
      R"({"error":"Sorry, we are closed.","assistantId":"a-1",
          "destination":{"type":"number","number":"+15550001111"}})");
  ASSERT_TRUE(o.decision);
  EXPECT_EQ(o.decision->kind, Decision::Kind::kSay);
  EXPECT_EQ(o.decision->text, "Sorry, we are closed.");
  EXPECT_EQ(o.decision->ended_reason, "assistant-request-returned-error");
}

TEST(AssistantRequest, ErrorThatCannotBeSpoken) {
  EXPECT_EQ(reply(R"({"error":"  "})").failure_reason,
            "assistant-request-returned-unspeakable-error");
  EXPECT_EQ(reply(R"({"error":{"code":1}})").failure_reason,
            "assistant-request-returned-unspeakable-error");
  // A null error is no error.
  EXPECT_TRUE(reply(R"({"error":null,"assistantId":"a-1"})").decision);
}

TEST(AssistantRequest, EmptyOrUselessRepliesHaveNoAssistant) {
  EXPECT_EQ(assistant_request_decision(true, 200, json::value(), exists).failure_reason,
            "assistant-request-returned-no-assistant");
  EXPECT_EQ(reply("{}").failure_reason, "assistant-request-returned-no-assistant");
  EXPECT_EQ(reply(R"({"hello":"world"})").failure_reason,
            "assistant-request-returned-no-assistant");
  EXPECT_EQ(reply(R"(["assistantId"])").failure_reason,
            "assistant-request-returned-invalid-assistant");
  EXPECT_EQ(reply(R"("garbage")").failure_reason, "assistant-request-returned-invalid-assistant");
}

TEST(AssistantRequest, FailedRequests) {
  const auto body = json::parse(R"({"assistantId":"a-1"})");
  EXPECT_EQ(assistant_request_decision(false, 0, json::value(), exists).failure_reason,
            "assistant-request-failed");
  EXPECT_EQ(assistant_request_decision(false, 500, body, exists).failure_reason,
            "assistant-request-failed");
  // A non-2xx status fails even if the caller marked it ok.
  EXPECT_EQ(assistant_request_decision(true, 404, body, exists).failure_reason,
            "assistant-request-failed");
  EXPECT_FALSE(assistant_request_decision(true, 302, body, exists).decision);
}

TEST(Fallback, TransfersToTheFallbackDestinationWithTheFailedStepsReason) {
  const auto d = fallback_decision(
      obj(R"({"fallbackDestination":{"type":"sip","sipUri":"sip:ops@example.com"}})"),
      "assistant-request-failed");
  EXPECT_EQ(d.kind, Decision::Kind::kTransfer);
  EXPECT_EQ(d.destination.at("sipUri").as_string(), "sip:ops@example.com");
  EXPECT_EQ(d.ended_reason, "assistant-request-failed");
}

TEST(Fallback, HangsUpWithTheReasonWhenThereIsNoFallback) {
  auto d = fallback_decision(obj("{}"), "assistant-request-returned-no-assistant");
  EXPECT_EQ(d.kind, Decision::Kind::kHangup);
  EXPECT_EQ(d.ended_reason, "assistant-request-returned-no-assistant");
  EXPECT_NE(d.text.find("assistant-request-returned-no-assistant"), std::string::npos);

  d = fallback_decision(obj(R"({"fallbackDestination":{"type":"number"}})"), "");
  EXPECT_EQ(d.kind, Decision::Kind::kHangup);
  EXPECT_EQ(d.ended_reason, "call-start-error-neither-assistant-nor-server-set");
  EXPECT_FALSE(d.text.empty());
}

constexpr std::string_view kEndingHooks = R"({"hooks":[
  {"on":"call.ringing","do":[{"type":"say","exact":"ringing"}]},
  {"on":"call.ending","filters":[{"type":"oneOf","key":"call.endedReason",
    "oneOf":["assistant-request-failed","assistant-request-returned-error"]}],
   "do":{"type":"say","exact":"failed"}},
  {"on":"call.ending","do":{"type":"transfer","destination":{"type":"number","number":"+1555"}}},
  {"on":"call.ending","filters":[{"type":"oneOf","key":"call.endedReason",
    "oneOf":["assistant-request-returned-no-assistant"]}],
   "do":[{"type":"say","exact":"a"},{"type":"say","exact":"b"}]}]})";

std::string actions_text(const std::vector<json::object>& actions) {
  std::string out;
  for (const auto& a : actions) out += json::serialize(a) + ";";
  return out;
}

TEST(EndingHooks, FiltersSelectHooksByEndedReasonInOrder) {
  const auto number = obj(kEndingHooks);
  EXPECT_EQ(actions_text(ending_hook_actions(number, "assistant-request-failed")),
            R"({"type":"say","exact":"failed"};)"
            R"({"type":"transfer","destination":{"type":"number","number":"+1555"}};)");
  EXPECT_EQ(actions_text(ending_hook_actions(number, "assistant-request-returned-no-assistant")),
            R"({"type":"transfer","destination":{"type":"number","number":"+1555"}};)"
            R"({"type":"say","exact":"a"};{"type":"say","exact":"b"};)");
  EXPECT_EQ(actions_text(ending_hook_actions(number, "customer-ended-call")),
            R"({"type":"transfer","destination":{"type":"number","number":"+1555"}};)");
  EXPECT_TRUE(ending_hook_actions(obj("{}"), "assistant-request-failed").empty());
}

TEST(AssistantRequestMessage, CarriesCallNumberAndCustomerWithoutSecrets) {
  const auto call = obj(R"({"id":"c-1","customer":{"number":"+14155550100"}})");
  const auto number = obj(R"({"id":"p-1","number":"+15550002222","twilioAuthToken":"secret",
      "authentication":{"username":"u","password":"pw"}})");
  const auto m = assistant_request_message(call, number, 1700000000000);
  EXPECT_EQ(json::serialize(m), R"({"type":"assistant-request","timestamp":1700000000000,)"
                                R"("call":{"id":"c-1","customer":{"number":"+14155550100"}},)"
                                R"("phoneNumber":{"id":"p-1","number":"+15550002222",)"
                                R"("authentication":{"username":"u"}},)"
                                R"("customer":{"number":"+14155550100"}})");
  EXPECT_FALSE(assistant_request_message(obj("{}"), obj("{}")).contains("timestamp"));
}

}  // namespace
}  // namespace sb::telephony
