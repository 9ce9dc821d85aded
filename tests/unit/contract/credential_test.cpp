// Credential bodies through the real embedded contract. The /credential paths are
// Switchboard's own addition (tools/gen_contract.py derives them from the document's
// Create*/Update*CredentialDTO schemas): what a client of POST /credential and PATCH
// /credential/{id} sees.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "embedded_contract.hpp"

namespace sb::contract {
namespace {

Msgs create(std::string_view body) {
  const auto* op = contract().operation("post", "/credential");
  return contract().validate(*op->request_body, boost::json::parse(body));
}

Msgs update(std::string_view body, std::string_view provider) {
  const auto* op = contract().operation("patch", "/credential/{id}");
  return contract().validate(*op->request_body, boost::json::parse(body), {provider});
}

TEST(CredentialContract, EveryOperationIsDeclared) {
  for (const auto* method : {"post", "get"})
    EXPECT_NE(contract().operation(method, "/credential"), nullptr) << method;
  for (const auto* method : {"get", "patch", "delete"})
    EXPECT_NE(contract().operation(method, "/credential/{id}"), nullptr) << method;
  const auto* list = contract().operation("get", "/credential");
  EXPECT_EQ(Contract::kind_of(*list->response), ValueKind::kArray);
  EXPECT_EQ(contract().operation("post", "/credential")->success_status, 201);
  EXPECT_EQ(contract().validate_query(*list, {{"limit", "5"}, {"createdAtGt", "2024-01-01"}}),
            Msgs{});
  const auto* get = contract().operation("get", "/credential/{id}");
  EXPECT_EQ(contract().validate_path(*get, {{"id", "nope"}}), Msgs{"id must be a UUID"});
}

TEST(CredentialContract, TheProviderPicksTheDto) {
  EXPECT_EQ(create(R"({"provider": "openai", "apiKey": "sk-proj-abc", "name": "Prod"})"), Msgs{});
  EXPECT_EQ(create(R"({"provider": "openai"})"), Msgs{"apiKey must be a string"});
  EXPECT_EQ(create(R"({"provider": "openai", "apiKey": "k", "accountSid": "AC1"})"),
            Msgs{"property accountSid should not exist"});
  EXPECT_EQ(create(R"({"provider": "twilio", "accountSid": "AC1", "authToken": "t"})"), Msgs{});
  const auto unknown = create(R"({"provider": "acme", "apiKey": "k"})");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_TRUE(unknown[0].starts_with("provider must be one of the following values: 11labs, "))
      << unknown[0];
}

TEST(CredentialContract, NestedPlansAreValidated) {
  EXPECT_EQ(create(R"({"provider": "byo-sip-trunk", "name": "Telnyx trunk",
      "gateways": [{"ip": "192.76.120.10", "inboundEnabled": true}],
      "outboundAuthenticationPlan": {"authUsername": "u", "authPassword": "p",
                                     "sipRegisterPlan": {"realm": "sip.telnyx.com"}}})"),
            Msgs{});
  EXPECT_EQ(
      create(R"({"provider": "byo-sip-trunk", "gateways": [{"port": 99999}]})"),
      (Msgs{"gateways.0.ip must be a string", "gateways.0.port must not be greater than 65535"}));
  EXPECT_EQ(create(R"({"provider": "webhook", "authenticationPlan": {"type": "bearer",
                       "token": "t"}})"),
            Msgs{});
}

TEST(CredentialContract, TelnyxIsSwitchboardsOwnApiKeyCredential) {
  EXPECT_EQ(create(R"({"provider": "telnyx", "apiKey": "KEY0123", "name": "Telnyx"})"), Msgs{});
  EXPECT_EQ(create(R"({"provider": "telnyx"})"), Msgs{"apiKey must be a string"});
}

TEST(CredentialContract, PatchUsesTheStoredProvider) {
  EXPECT_EQ(update(R"({"name": "Rotated"})", "openai"), Msgs{});
  EXPECT_EQ(update(R"({"apiKey": "sk-new"})", "openai"), Msgs{});
  EXPECT_EQ(update(R"({"accountSid": "AC2"})", "openai"),
            Msgs{"property accountSid should not exist"});
  // Providers the document gives no Update DTO get their Create DTO with nothing required.
  EXPECT_EQ(update(R"({"name": "Minimax 2"})", "minimax"), Msgs{});
  EXPECT_EQ(update(R"({"name": "Tavus 2"})", "tavus"), Msgs{});
  EXPECT_EQ(update(R"({"name": "Telnyx 2"})", "telnyx"), Msgs{});
}

}  // namespace
}  // namespace sb::contract
