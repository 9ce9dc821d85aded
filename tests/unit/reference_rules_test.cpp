// Every spec's reference rules against the contract: each rule names a path the request bodies
// of its operations have (the POST body, and the PATCH body unless only a create can write it),
// so a renamed property cannot silently switch a check off; each points at a kind a spec
// stores; and the credential rules allow the types they should.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/campaigns/campaign_spec.hpp"
#include "domain/chats/chat_spec.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/evals/eval_spec.hpp"
#include "domain/files/file_spec.hpp"
#include "domain/insights/insight_spec.hpp"
#include "domain/phone_numbers/number_pool.hpp"
#include "domain/phone_numbers/phone_number_spec.hpp"
#include "domain/provider_resources/provider_resource_spec.hpp"
#include "domain/scorecards/scorecard_spec.hpp"
#include "domain/sessions/session_spec.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/structured_outputs/structured_output_spec.hpp"
#include "domain/tools/tool_spec.hpp"

namespace sb {
namespace {

namespace json = boost::json;
using resources::ReferenceRule;
using resources::ResourceSpec;

const json::object& openapi() {
  static const json::value doc = json::parse(contract::Contract::load_embedded()->openapi_json());
  return doc.as_object();
}

const json::object& schemas() {
  return openapi().at("components").at("schemas").as_object();
}

// The JSON request body schema of `method` on `path`, e.g. ("/tool", "post"): a $ref to one
// DTO or a oneOf of the DTOs a discriminator picks from.
const json::value& body_schema(const std::string& path, const std::string& method) {
  return openapi()
      .at("paths")
      .at(path)
      .at(method)
      .at("requestBody")
      .at("content")
      .at("application/json")
      .at("schema");
}

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> steps;
  while (!path.empty()) {
    const auto dot = path.find('.');
    steps.emplace_back(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return steps;
}

// Whether `node` (following $ref and every branch of allOf/oneOf/anyOf) has the document path
// steps[i..]: "members[]" is an array property whose items go on. Every step advances i, so
// the depth bound only stops schemas that refer to themselves without a property between.
bool has_path(const json::value& node, const std::vector<std::string>& steps, std::size_t i,
              int depth = 0) {
  if (i == steps.size()) return true;
  if (!node.is_object() || depth > 64) return false;
  const auto& o = node.as_object();
  if (const auto* ref = o.if_contains("$ref")) {
    const std::string_view target = ref->as_string();
    return has_path(schemas().at(target.substr(target.rfind('/') + 1)), steps, i, depth + 1);
  }
  for (const char* list : {"allOf", "oneOf", "anyOf"})
    if (const auto* parts = o.if_contains(list))
      for (const auto& part : parts->as_array())
        if (has_path(part, steps, i, depth + 1)) return true;
  const auto* props = o.if_contains("properties");
  if (!props) return false;
  std::string name = steps[i];
  const bool each = name.ends_with("[]");
  if (each) name.resize(name.size() - 2);
  const auto* prop = props->as_object().if_contains(name);
  if (!prop) return false;
  if (!each) return has_path(*prop, steps, i + 1, depth + 1);
  const auto* items = prop->as_object().if_contains("items");
  return items && has_path(*items, steps, i + 1, depth + 1);
}

bool body_has(const std::string& path, const std::string& method, const std::string& rule) {
  return has_path(body_schema(path, method), split(rule), 0);
}

const phone_numbers::NumberPool& pool() {
  static const phone_numbers::NumberPool p;
  return p;
}

// A spec with the routes its bodies arrive on, and the rules only a create can write (the
// PATCH DTO lacks them).
struct Served {
  ResourceSpec spec;
  std::string collection;
  std::string item;
  std::set<std::string> create_only;
};

std::vector<Served> served_with_references() {
  return {
      {phone_numbers::phone_number_spec(pool()), "/phone-number", "/phone-number/{id}", {}},
      {assistants::assistant_spec(), "/assistant", "/assistant/{id}", {}},
      {squads::squad_spec(), "/squad", "/squad/{id}", {}},
      {tools::tool_spec(), "/tool", "/tool/{id}", {}},
      {sessions::session_spec(),
       "/session",
       "/session/{id}",
       {"assistantId", "squadId", "phoneNumberId"}},
      {campaigns::campaign_spec(),
       "/campaign",
       "/campaign/{id}",
       {"duplicateFromCampaignId", "server.credentialId"}},
      {structured_outputs::structured_output_spec(),
       "/structured-output",
       "/structured-output/{id}",
       {}},
      {scorecards::scorecard_spec(),
       "/observability/scorecard",
       "/observability/scorecard/{id}",
       {}},
  };
}

// Every kind a spec stores (file_spec needs a store; its kind is the constant it uses).
std::set<std::string> stored_kinds() {
  std::set<std::string> kinds{files::kKind};
  for (const auto& s : served_with_references()) kinds.insert(s.spec.kind);
  for (const auto& spec : {credentials::credential_spec(), insights::insight_spec(),
                           evals::eval_spec(), evals::eval_run_spec(), chats::chat_spec(),
                           calls::call_spec(), provider_resources::provider_resource_spec()})
    kinds.insert(spec.kind);
  return kinds;
}

const ReferenceRule* rule_at(const ResourceSpec& spec, std::string_view path) {
  for (const auto& rule : spec.references)
    if (rule.path == path) return &rule;
  return nullptr;
}

// The types a rule allows for `document` (empty: any).
std::vector<std::string> allowed(const ReferenceRule& rule, const json::object& document = {}) {
  return rule.allowed_providers ? rule.allowed_providers(document) : std::vector<std::string>{};
}

const std::vector<std::string> kServerTypes = {"custom-credential", "webhook"};

// Asserts `spec` has a rule at `path` to `kind`, allowing `types` (empty: any type).
void expect_rule(const ResourceSpec& spec, std::string_view path, std::string_view kind,
                 const std::vector<std::string>& types = {}) {
  const auto* rule = rule_at(spec, path);
  ASSERT_NE(rule, nullptr) << spec.kind << " has no rule at " << path;
  EXPECT_EQ(rule->target_kind, kind) << path;
  EXPECT_EQ(allowed(*rule), types) << path;
}

TEST(ReferenceRules, TheHelperFindsPathsAndMissesOthers) {
  EXPECT_TRUE(body_has("/assistant", "post", "server.url"));
  EXPECT_FALSE(body_has("/assistant", "post", "model.toolId[]"));
  EXPECT_FALSE(body_has("/squad", "post", "members.assistantId"));
  // Across a oneOf: a byo number has credentialId, a twilio one does not, the union does.
  EXPECT_TRUE(body_has("/phone-number", "post", "credentialId"));
  EXPECT_TRUE(has_path(schemas().at("CreateByoPhoneNumberDTO"), split("credentialId"), 0));
  EXPECT_FALSE(has_path(schemas().at("CreateTwilioPhoneNumberDTO"), split("credentialId"), 0));
  // Deep paths (an inline tool of a squad member's assistant) are followed to the end.
  EXPECT_TRUE(body_has("/squad/{id}", "patch",
                       "members[].assistant.hooks[].do[].tool.destinations[].server.credentialId"));
}

TEST(ReferenceRules, EveryRuleNamesAPathOfTheBodiesThatWriteIt) {
  for (const auto& s : served_with_references()) {
    ASSERT_FALSE(s.spec.references.empty()) << s.spec.kind;
    for (const auto& rule : s.spec.references) {
      EXPECT_TRUE(body_has(s.collection, "post", rule.path))
          << "POST " << s.collection << " has no " << rule.path;
      // A PATCH body that could write the path but is listed as create-only (or the reverse)
      // means the list is stale.
      EXPECT_EQ(body_has(s.item, "patch", rule.path), !s.create_only.contains(rule.path))
          << "PATCH " << s.item << ": " << rule.path;
    }
    for (const auto& path : s.create_only)
      EXPECT_NE(rule_at(s.spec, path), nullptr) << s.spec.kind << ": stale create-only " << path;
  }
}

TEST(ReferenceRules, EveryRulePointsAtAStoredKindOnce) {
  const auto kinds = stored_kinds();
  for (const auto& s : served_with_references()) {
    std::set<std::string> paths;
    for (const auto& rule : s.spec.references) {
      EXPECT_TRUE(kinds.contains(rule.target_kind)) << s.spec.kind << ": " << rule.target_kind;
      EXPECT_TRUE(paths.insert(rule.path).second) << s.spec.kind << ": twice " << rule.path;
      // Only credentials have types to restrict.
      if (rule.allowed_providers) {
        EXPECT_EQ(rule.target_kind, credentials::kKind) << rule.path;
      }
    }
  }
}

TEST(ReferenceRules, ResourcesWithoutIdsOfOthersHaveNoRules) {
  for (const auto& spec :
       {credentials::credential_spec(), insights::insight_spec(), evals::eval_spec(),
        chats::chat_spec(), calls::call_spec(), provider_resources::provider_resource_spec()})
    EXPECT_TRUE(spec.references.empty()) << spec.kind;
}

TEST(ReferenceRules, PhoneNumbersNameTheirAnswerersAndTheProvidersCredential) {
  const auto spec = phone_numbers::phone_number_spec(pool());
  expect_rule(spec, "assistantId", "assistant");
  expect_rule(spec, "squadId", "squad");
  expect_rule(spec, "server.credentialId", "credential", kServerTypes);
  const auto* credential = rule_at(spec, "credentialId");
  ASSERT_NE(credential, nullptr);
  EXPECT_EQ(credential->target_kind, "credential");
  const auto for_provider = [&](std::string_view provider) {
    return allowed(*credential, json::object{{"provider", provider}});
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(for_provider("byo-phone-number"), V{"byo-sip-trunk"});
  EXPECT_EQ(for_provider("vonage"), V{"vonage"});
  EXPECT_EQ(for_provider("telnyx"), V{"telnyx"});
  EXPECT_EQ(spec.references.size(), 4u);
}

TEST(ReferenceRules, ToolsNameCredentialsServersAndFiles) {
  const auto spec = tools::tool_spec();
  expect_rule(spec, "credentialId", "credential");  // apiRequest, code: any type
  expect_rule(spec, "server.credentialId", "credential", kServerTypes);
  expect_rule(spec, "destinations[].server.credentialId", "credential", kServerTypes);
  expect_rule(spec, "knowledgeBases[].fileIds[]", "file");
  // Handoff destinations are resolved at run time.
  EXPECT_EQ(rule_at(spec, "destinations[].assistantId"), nullptr);
  EXPECT_EQ(spec.references.size(), 4u);
}

TEST(ReferenceRules, AssistantsNameToolsCredentialsEveryServerAndTheirInlineToolsIds) {
  const auto spec = assistants::assistant_spec();
  expect_rule(spec, "model.toolIds[]", "tool");
  expect_rule(spec, "credentialIds[]", "credential");
  for (const char* server :
       {"server", "transcriber.server", "transcriber.fallbackPlan.transcribers[].server",
        "voice.server", "voice.fallbackPlan.voices[].server",
        "compliancePlan.recordingConsentPlan.voice.server",
        "startSpeakingPlan.smartEndpointingPlan.server", "model.knowledgeBase.server"})
    expect_rule(spec, std::string(server) + ".credentialId", "credential", kServerTypes);
  for (const std::string tool : {"model.tools[].", "hooks[].do[].tool."}) {
    expect_rule(spec, tool + "credentialId", "credential");
    expect_rule(spec, tool + "server.credentialId", "credential", kServerTypes);
    expect_rule(spec, tool + "destinations[].server.credentialId", "credential", kServerTypes);
    expect_rule(spec, tool + "knowledgeBases[].fileIds[]", "file");
  }
}

TEST(ReferenceRules, SquadsCheckTheirMembersAndEveryAssistantConfigurationTheyHold) {
  const auto spec = squads::squad_spec();
  expect_rule(spec, "members[].assistantId", "assistant");
  const auto per_configuration = assistants::assistant_configuration_references("").size();
  EXPECT_EQ(spec.references.size(), 1 + 3 * per_configuration);
  for (const std::string configuration :
       {"members[].assistant.", "members[].assistantOverrides.", "membersOverrides."}) {
    expect_rule(spec, configuration + "model.toolIds[]", "tool");
    expect_rule(spec, configuration + "credentialIds[]", "credential");
    expect_rule(spec, configuration + "server.credentialId", "credential", kServerTypes);
    expect_rule(spec, configuration + "model.tools[].knowledgeBases[].fileIds[]", "file");
  }
  // Handoff destinations are resolved at run time.
  EXPECT_EQ(rule_at(spec, "members[].assistantDestinations[].assistantId"), nullptr);
}

TEST(ReferenceRules, WorkspaceResourcesNameAssistantsSquadsAndNumbers) {
  const auto session = sessions::session_spec();
  expect_rule(session, "assistantId", "assistant");
  expect_rule(session, "squadId", "squad");
  expect_rule(session, "phoneNumberId", "phone-number");
  const auto campaign = campaigns::campaign_spec();
  expect_rule(campaign, "duplicateFromCampaignId", "campaign");
  expect_rule(campaign, "assistantId", "assistant");
  expect_rule(campaign, "squadId", "squad");
  expect_rule(campaign, "phoneNumberId", "phone-number");
  expect_rule(campaign, "dialPlan[].phoneNumberId", "phone-number");
  expect_rule(campaign, "server.credentialId", "credential", kServerTypes);
  expect_rule(structured_outputs::structured_output_spec(), "assistantIds[]", "assistant");
  const auto scorecard = scorecards::scorecard_spec();
  expect_rule(scorecard, "metrics[].structuredOutputId", "structured-output");
  expect_rule(scorecard, "assistantIds[]", "assistant");
}

TEST(ReferenceRules, ServerCredentialsAreTheWebhookAuthenticationTypes) {
  EXPECT_EQ(credentials::server_credential_providers(), kServerTypes);
  // Both are credential types of the contract.
  EXPECT_TRUE(schemas().contains("CreateCustomCredentialDTO"));
  EXPECT_TRUE(schemas().contains("CreateWebhookCredentialDTO"));
}

}  // namespace
}  // namespace sb
