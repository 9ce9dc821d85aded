// The assistant, squad and tool specs against the contract: every reference rule names a path
// the create DTO has (so a renamed property cannot silently switch a check off), and the
// references point at the kinds the specs store.

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/tools/tool_spec.hpp"

namespace sb {
namespace {

namespace json = boost::json;

const json::object& schemas() {
  static const json::value doc = json::parse(contract::Contract::load_embedded()->openapi_json());
  return doc.at("components").at("schemas").as_object();
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
// steps[i..]: "members[]" is an array property whose items go on.
bool has_path(const json::value& node, const std::vector<std::string>& steps, std::size_t i,
              int depth = 0) {
  if (i == steps.size()) return true;
  if (!node.is_object() || depth > 16) return false;
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

void expect_references_exist(const resources::ResourceSpec& spec, const std::string& dto) {
  ASSERT_FALSE(spec.references.empty());
  for (const auto& rule : spec.references) {
    EXPECT_TRUE(has_path(schemas().at(dto), split(rule.path), 0)) << dto << ": " << rule.path;
    EXPECT_TRUE(rule.target_kind == "assistant" || rule.target_kind == "tool") << rule.path;
  }
}

TEST(AgentSpecs, TheHelperFindsPathsAndMissesOthers) {
  EXPECT_TRUE(has_path(schemas().at("CreateAssistantDTO"), split("server.url"), 0));
  EXPECT_FALSE(has_path(schemas().at("CreateAssistantDTO"), split("model.toolId[]"), 0));
  EXPECT_FALSE(has_path(schemas().at("CreateSquadDTO"), split("members.assistantId"), 0));
}

TEST(AgentSpecs, AssistantsReferenceToolsByModelToolIds) {
  const auto spec = assistants::assistant_spec();
  EXPECT_EQ(spec.kind, "assistant");
  EXPECT_EQ(spec.noun, "Assistant");
  expect_references_exist(spec, "CreateAssistantDTO");
  EXPECT_EQ(spec.references[0].path, "model.toolIds[]");
  EXPECT_EQ(spec.references[0].target_kind, "tool");
  EXPECT_EQ(spec.create_defaults.at("isServerUrlSecretSet"), false);
}

TEST(AgentSpecs, SquadsReferenceAssistantsAndTheToolsOfMemberConfigurations) {
  const auto spec = squads::squad_spec();
  EXPECT_EQ(spec.kind, "squad");
  EXPECT_EQ(spec.noun, "Squad");
  expect_references_exist(spec, "CreateSquadDTO");
  expect_references_exist(spec, "UpdateSquadDTO");
  EXPECT_EQ(spec.references[0].path, "members[].assistantId");
  EXPECT_EQ(spec.references[0].target_kind, "assistant");
}

TEST(AgentSpecs, ToolsAreDiscriminatedByType) {
  const auto spec = tools::tool_spec();
  EXPECT_EQ(spec.kind, "tool");
  EXPECT_EQ(spec.noun, "Tool");
  EXPECT_EQ(spec.discriminator, "type");
  EXPECT_TRUE(spec.references.empty());
  EXPECT_TRUE(spec.secret_paths.empty());
}

}  // namespace
}  // namespace sb
