// The assistant, squad and tool specs: their kinds, nouns and server-set fields. Their
// reference rules are checked against the contract with every other spec's, in
// reference_rules_test.cpp.

#include <gtest/gtest.h>

#include "domain/assistants/assistant_spec.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/tools/tool_spec.hpp"

namespace sb {
namespace {

TEST(AgentSpecs, AssistantsReferenceToolsByModelToolIds) {
  const auto spec = assistants::assistant_spec();
  EXPECT_EQ(spec.kind, "assistant");
  EXPECT_EQ(spec.noun, "Assistant");
  ASSERT_FALSE(spec.references.empty());
  EXPECT_EQ(spec.references[0].path, "model.toolIds[]");
  EXPECT_EQ(spec.references[0].target_kind, "tool");
  EXPECT_EQ(spec.create_defaults.at("isServerUrlSecretSet"), false);
}

TEST(AgentSpecs, SquadsReferenceAssistantsAndTheToolsOfMemberConfigurations) {
  const auto spec = squads::squad_spec();
  EXPECT_EQ(spec.kind, "squad");
  EXPECT_EQ(spec.noun, "Squad");
  ASSERT_FALSE(spec.references.empty());
  EXPECT_EQ(spec.references[0].path, "members[].assistantId");
  EXPECT_EQ(spec.references[0].target_kind, "assistant");
}

TEST(AgentSpecs, ToolsAreDiscriminatedByType) {
  const auto spec = tools::tool_spec();
  EXPECT_EQ(spec.kind, "tool");
  EXPECT_EQ(spec.noun, "Tool");
  EXPECT_EQ(spec.discriminator, "type");
  EXPECT_TRUE(spec.secret_paths.empty());
}

}  // namespace
}  // namespace sb
