// Phone-number bodies through the real embedded contract: what a client of POST
// /phone-number and PATCH /phone-number/{id} sees.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "contract/contract.hpp"
#include "embedded_contract.hpp"

namespace sb::contract {
namespace {

std::vector<std::string> create(std::string_view body) {
  const auto* op = contract().operation("POST", "/phone-number");
  return contract().validate(*op->request_body, boost::json::parse(body));
}

std::vector<std::string> update(std::string_view body, std::string_view provider) {
  const auto* op = contract().operation("patch", "/phone-number/{id}");
  return contract().validate(*op->request_body, boost::json::parse(body), {provider});
}

const std::string kProviders =
    "provider must be one of the following values: byo-phone-number, twilio, vonage, vapi, "
    "telnyx";

// The shape of the reference example: every nested plan filled in.
constexpr std::string_view kFullBody = R"({
  "provider": "twilio", "number": "+14155550123", "twilioAccountSid": "AC123",
  "twilioAuthToken": "token", "name": "Support line", "smsEnabled": true,
  "assistantId": "7d6b4f3e-1111-4a2b-9c3d-0123456789ab",
  "fallbackDestination": {
    "type": "number", "number": "+14155550100", "extension": "12", "callerId": "+14155550123",
    "message": "Transferring you now", "numberE164CheckEnabled": true,
    "transferPlan": {
      "mode": "warm-transfer-say-summary", "sipVerb": "refer", "timeout": 60,
      "message": {"type": "custom-message", "content": "Hold on"},
      "contextEngineeringPlan": {"type": "lastNMessages", "maxMessages": 5},
      "summaryPlan": {"enabled": true, "timeoutSeconds": 5,
                      "messages": [{"role": "system", "content": "Summarize"}]},
      "fallbackPlan": {"message": "Sorry, nobody is available", "endCallEnabled": true}
    }
  },
  "hooks": [
    {"on": "call.ringing",
     "filters": [{"type": "startsWith", "key": "number", "startsWith": ["91"]}],
     "do": [{"type": "transfer", "destination": {"type": "number", "number": "+14155550100"}},
            {"type": "say", "exact": "Please hold."}]},
    {"on": "call.ending", "do": {"type": "say", "exact": "Goodbye"}}
  ],
  "server": {
    "url": "https://example.com/webhook", "timeoutSeconds": 20, "headers": {},
    "backoffPlan": {"type": "fixed", "maxRetries": 0, "baseDelaySeconds": 1,
                    "excludedStatusCodes": [400, 401]}
  }
})";

TEST(PhoneNumberCreate, AcceptsTheMinimalBodyOfEachProvider) {
  EXPECT_EQ(create(R"({"provider":"byo-phone-number","credentialId":"c1"})"), (Msgs{}));
  EXPECT_EQ(create(R"({"provider":"twilio","number":"+14155550123","twilioAccountSid":"AC1"})"),
            (Msgs{}));
  EXPECT_EQ(create(R"({"provider":"vonage","number":"+14155550123","credentialId":"c1"})"),
            (Msgs{}));
  EXPECT_EQ(create(R"({"provider":"telnyx","number":"+14155550123","credentialId":"c1"})"),
            (Msgs{}));
  EXPECT_EQ(create(R"({"provider":"vapi"})"), (Msgs{}));
}

TEST(PhoneNumberCreate, RequiresEachProvidersOwnFields) {
  EXPECT_EQ(create(R"({"provider":"byo-phone-number"})"), (Msgs{"credentialId must be a string"}));
  EXPECT_EQ(create(R"({"provider":"twilio"})"),
            (Msgs{"number must be a string", "twilioAccountSid must be a string"}));
  EXPECT_EQ(create(R"({"provider":"telnyx","number":"+1415"})"),
            (Msgs{"credentialId must be a string"}));
}

TEST(PhoneNumberCreate, AcceptsAFullBody) {
  EXPECT_EQ(create(kFullBody), (Msgs{}));
}

TEST(PhoneNumberCreate, DoesNotChangeTheBody) {
  auto body = boost::json::parse(kFullBody);
  const auto before = boost::json::serialize(body);
  const auto* op = contract().operation("post", "/phone-number");
  (void)contract().validate(*op->request_body, body);
  EXPECT_EQ(boost::json::serialize(body), before);  // defaults are not filled in
}

TEST(PhoneNumberCreate, LimitsTheNameTo40Characters) {
  EXPECT_EQ(create(R"({"provider":"vapi","name":"0123456789012345678901234567890123456789"})"),
            (Msgs{}));
  EXPECT_EQ(create(R"({"provider":"vapi","name":"01234567890123456789012345678901234567890"})"),
            (Msgs{"name must be shorter than or equal to 40 characters"}));
}

TEST(PhoneNumberCreate, CountsCharactersNotBytes) {
  std::string name(40 * 2, '\0');
  for (std::size_t i = 0; i < name.size(); i += 2) name[i] = '\xc3', name[i + 1] = '\xa9';  // é
  EXPECT_EQ(create(R"({"provider":"vapi","name":")" + name + "\"}"), (Msgs{}));
}

TEST(PhoneNumberCreate, RejectsAnUnknownOrMissingProvider) {
  EXPECT_EQ(create(R"({"provider":"plivo","number":"1"})"), (Msgs{kProviders}));
  EXPECT_EQ(create(R"({"number":"+14155550123"})"), (Msgs{kProviders}));
  EXPECT_EQ(create(R"({"provider":7})"), (Msgs{kProviders}));
}

TEST(PhoneNumberCreate, RejectsUnknownProperties) {
  EXPECT_EQ(create(R"({"provider":"vapi","foo":1})"), (Msgs{"property foo should not exist"}));
  EXPECT_EQ(
      create(R"({"provider":"vapi","fallbackDestination":{"type":"number","number":"+14155550100",
                 "transferPlan":{"mode":"blind-transfer","foo":true}}})"),
      (Msgs{"fallbackDestination.transferPlan.property foo should not exist"}));
}

TEST(PhoneNumberCreate, PrefixesNestedMessagesWithTheirPath) {
  EXPECT_EQ(
      create(R"({"provider":"vapi","fallbackDestination":{"type":"number","number":"+14155550100",
                 "transferPlan":{"mode":"nope"}}})"),
      (Msgs{"fallbackDestination.transferPlan.mode must be one of the following values: "
            "blind-transfer, blind-transfer-add-summary-to-sip-header, warm-transfer-say-message, "
            "warm-transfer-say-summary, warm-transfer-twiml, "
            "warm-transfer-wait-for-operator-to-speak-first-and-then-say-message, "
            "warm-transfer-wait-for-operator-to-speak-first-and-then-say-summary, "
            "warm-transfer-experimental"}));
  EXPECT_EQ(create(R"({"provider":"vapi","hooks":[{"on":"call.ringing",
                          "do":[{"type":"say","exact":"hi"},{"type":"dance"}]}]})"),
            (Msgs{"hooks.0.do.1.type must be one of the following values: transfer, say"}));
  EXPECT_EQ(create(R"({"provider":"vapi","hooks":[{"on":"call.ringing","do":[{"type":"say"}]}]})"),
            (Msgs{"hooks.0.do.0.exact must be a string"}));
  EXPECT_EQ(create(R"({"provider":"vapi","hooks":[{"on":"call.started","do":[]}]})"),
            (Msgs{"hooks.0.on must be one of the following values: call.ringing, "
                  "call.ending"}));
}

TEST(PhoneNumberCreate, ReportsWrongTypes) {
  EXPECT_EQ(create(R"({"provider":"vapi","name":12})"), (Msgs{"name must be a string"}));
  EXPECT_EQ(create(R"({"provider":"twilio","number":1,"twilioAccountSid":"AC1",
                         "smsEnabled":"yes"})"),
            (Msgs{"smsEnabled must be a boolean value", "number must be a string"}));
  EXPECT_EQ(create(R"({"provider":"vapi","hooks":{}})"), (Msgs{"hooks must be an array"}));
  EXPECT_EQ(create(R"({"provider":"vapi","server":"https://x"})"),
            (Msgs{"nested property server must be either object or array"}));
  EXPECT_EQ(create(R"({"provider":"vapi","server":{"url":"https://x","headers":"a"}})"),
            (Msgs{"server.headers must be an object"}));
  EXPECT_EQ(create(R"({"provider":"vapi","fallbackDestination":{"type":"number","number":"+1415",
                         "transferPlan":{"mode":"blind-transfer","sipVerb":"invite"}}})"),
            (Msgs{"fallbackDestination.transferPlan.sipVerb must be one of the following "
                  "values: refer, bye, dial"}));
  EXPECT_EQ(create("[]"), (Msgs{"body must be an object"}));
}

TEST(PhoneNumberCreate, BoundsTheServerTimeout) {
  EXPECT_EQ(create(R"({"provider":"vapi","server":{"url":"https://x","timeoutSeconds":0}})"),
            (Msgs{"server.timeoutSeconds must not be less than 1"}));
  EXPECT_EQ(create(R"({"provider":"vapi","server":{"url":"https://x","timeoutSeconds":301}})"),
            (Msgs{"server.timeoutSeconds must not be greater than 300"}));
  EXPECT_EQ(create(R"({"provider":"vapi","server":{"url":"https://x","timeoutSeconds":"20"}})"),
            (Msgs{"server.timeoutSeconds must be a number conforming to the specified "
                  "constraints"}));
  EXPECT_EQ(create(R"({"provider":"vapi","server":{"url":"https://x","timeoutSeconds":300}})"),
            (Msgs{}));
}

TEST(PhoneNumberCreate, TreatsNullOptionalPropertiesAsAbsent) {
  EXPECT_EQ(create(R"({"provider":"vapi","name":null,"server":null})"), (Msgs{}));
  EXPECT_EQ(create(R"({"provider":"byo-phone-number","credentialId":null})"),
            (Msgs{"credentialId must be a string"}));
}

TEST(PhoneNumberCreate, ReportsEveryProblemInDeclarationOrderThenUnknownProperties) {
  EXPECT_EQ(
      create(R"({"zzz":1,"provider":"twilio","name":"01234567890123456789012345678901234567890",
                         "number":5})"),
      (Msgs{"number must be a string", "twilioAccountSid must be a string",
            "name must be shorter than or equal to 40 characters",
            "property zzz should not exist"}));
}

TEST(PhoneNumberUpdate, UsesTheStoredProviderWhenTheBodyHasNone) {
  EXPECT_EQ(update(R"({"hooks":[{"on":"call.ringing","do":[{"type":"say","exact":"Closed"}]}]})",
                   "twilio"),
            (Msgs{}));
  EXPECT_EQ(update(R"({"name":"x","twilioAccountSid":"AC2"})", "twilio"), (Msgs{}));
  EXPECT_EQ(update(R"({"twilioAccountSid":"AC2"})", "vapi"),
            (Msgs{"property twilioAccountSid should not exist"}));
  EXPECT_EQ(update(R"({"name":"01234567890123456789012345678901234567890"})", "vonage"),
            (Msgs{"name must be shorter than or equal to 40 characters"}));
}

TEST(PhoneNumberUpdate, StillChecksAProviderTheBodyGives) {
  EXPECT_EQ(update(R"({"provider":"twilio","name":"x"})", "twilio"), (Msgs{}));
  EXPECT_EQ(update(R"({"provider":"nope"})", "twilio"), (Msgs{kProviders}));
}

TEST(PhoneNumberUpdate, WithoutADefaultTheProviderIsRequired) {
  EXPECT_EQ(update(R"({"name":"x"})", ""), (Msgs{kProviders}));
}

}  // namespace
}  // namespace sb::contract
