// The resolver chats and calls share, over a temporary database: assistants and squads by id
// or inline, overrides and their variables, tools by id, handoff targets, provider keys.

#include "runtime/chat/conversation_setup.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/crypto.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/tools/tool_spec.hpp"
#include "temp_database.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;

class ConversationSetupTest : public ::testing::Test {
 protected:
  void insert(const resources::ResourceSpec& spec, std::string_view document) {
    auto d = json::parse(document).as_object();
    d["orgId"] = "org-a";
    store_->write_sync([&](storage::Session& s) { service_.insert_document(s, spec, d); });
  }
  ConversationSetup resolve(std::string_view holder, SetupRequest request = {}) {
    const auto h = json::parse(holder).as_object();
    request.holder = &h;
    ConversationSetup setup;
    store_->read_sync(
        [&](storage::Session& s) { setup = resolve_conversation(s, deps_, "org-a", request); });
    return setup;
  }
  static std::string system_text(const ResolvedAssistant& a) {
    return std::string(a.assistant.at("model").at("messages").at(0).at("content").as_string());
  }

  test::TempDatabase db_{"sb-conversation-setup"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_ = db_.open_with_org(1);
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const resources::ResourceService service_{secrets_};
  const resources::ResourceSpec assistants_ = assistants::assistant_spec();
  const resources::ResourceSpec squads_ = squads::squad_spec();
  const resources::ResourceSpec tools_ = tools::tool_spec();
  const resources::ResourceSpec credentials_ = credentials::credential_spec();
  const ResolverDeps deps_{service_, assistants_, squads_, tools_, credentials_};
};

const char* kAssistant = R"({"id":"as-1","name":"Ann","model":{"provider":"openai",
  "model":"gpt-4o","toolIds":["tool-1"],
  "messages":[{"role":"system","content":"Help {{who}}"}]}})";

TEST_F(ConversationSetupTest, AnAssistantByIdWithItsToolsAndRenderedOverrides) {
  insert(tools_, R"({"id":"tool-1","type":"function","function":{"name":"lookup"}})");
  insert(assistants_, kAssistant);
  SetupRequest request;
  request.overrides = json::parse(R"({"variableValues":{"who":"Bob"}})").as_object();
  const auto setup = resolve(R"({"assistantId":"as-1"})", std::move(request));
  ASSERT_EQ(setup.assistants.size(), 1u);
  const auto& a = setup.assistants[0];
  EXPECT_EQ(a.id, "as-1");
  EXPECT_EQ(a.name, "Ann");
  ASSERT_EQ(a.tools.size(), 1u);
  EXPECT_EQ(a.tools[0].at("function").at("name"), "lookup");
  EXPECT_EQ(system_text(a), "Help Bob");
}

TEST_F(ConversationSetupTest, LaterOverridesWinForTheStartingAssistant) {
  insert(tools_, R"({"id":"tool-1","type":"function","function":{"name":"lookup"}})");
  insert(assistants_, kAssistant);
  SetupRequest request;
  request.overrides = json::parse(R"({"variableValues":{"who":"Bob"}})").as_object();
  request.later_overrides =
      json::parse(R"({"name":"Zed","variableValues":{"who":"Cy"}})").as_object();
  const auto setup = resolve(R"({"assistantId":"as-1"})", std::move(request));
  EXPECT_EQ(setup.assistants[0].assistant.at("name"), "Zed");
  // The text was rendered with Bob already; the later variables render what is left.
  EXPECT_EQ(system_text(setup.assistants[0]), "Help Bob");
}

TEST_F(ConversationSetupTest, ASquadWithItsHandoffTargetsAndAStartingMember) {
  insert(tools_, R"({"id":"tool-1","type":"function","function":{"name":"lookup"}})");
  insert(assistants_, kAssistant);
  insert(assistants_, R"({"id":"as-2","name":"Bea","model":{"provider":"openai","model":"m",
    "tools":[{"type":"handoff","destinations":[{"type":"assistant","assistantId":"as-1"}]}]}})");
  insert(squads_, R"({"id":"sq-1","members":[{"assistantId":"as-2"}]})");
  SetupRequest request;
  request.start_with = "as-1";
  const auto setup = resolve(R"({"squadId":"sq-1"})", std::move(request));
  ASSERT_EQ(setup.assistants.size(), 2u);
  EXPECT_EQ(setup.assistants[0].id, "as-1");  // where the conversation was handed off to
  EXPECT_EQ(setup.assistants[1].id, "as-2");
}

TEST_F(ConversationSetupTest, SquadOverridesApplyToEveryMemberAfterMembersOverrides) {
  insert(tools_, R"({"id":"tool-1","type":"function","function":{"name":"lookup"}})");
  insert(assistants_, kAssistant);
  insert(assistants_, R"({"id":"as-2","name":"Bea","model":{"provider":"openai","model":"m",
    "messages":[{"role":"system","content":"Serve {{who}} at {{where}}"}]}})");
  insert(squads_, R"({"id":"sq-1","members":[{"assistantId":"as-1"},{"assistantId":"as-2"}],
    "membersOverrides":{"firstMessage":"Squad hello","maxDurationSeconds":60}})");
  SetupRequest request;
  request.squad_overrides =
      json::parse(R"({"maxDurationSeconds":120,"variableValues":{"who":"Bob","where":"home"}})")
          .as_object();
  request.overrides = json::parse(R"({"variableValues":{"where":"work"}})").as_object();
  const auto setup = resolve(R"({"squadId":"sq-1"})", std::move(request));
  ASSERT_EQ(setup.assistants.size(), 2u);
  for (const auto& a : setup.assistants) {
    EXPECT_EQ(a.assistant.at("maxDurationSeconds").to_number<int>(), 120) << a.name;
    EXPECT_EQ(a.assistant.at("firstMessage"), "Squad hello") << a.name;
  }
  EXPECT_EQ(system_text(setup.assistants[0]), "Help Bob");
  // The call's own assistantOverrides' variables win over the squad's.
  EXPECT_EQ(system_text(setup.assistants[1]), "Serve Bob at work");
}

TEST_F(ConversationSetupTest, TheOrgsKeyOfEachProvider) {
  // Created through the service, so its apiKey is sealed as a stored credential's is.
  store_->write_sync([&](storage::Session& s) {
    service_.create(s, credentials_, "org-a",
                    json::parse(R"({"provider":"openai","apiKey":"sk-org"})").as_object());
  });
  const auto setup = resolve(R"({"assistant":{"model":{"provider":"openai","model":"m"}}})");
  ASSERT_EQ(setup.keys.count("openai"), 1u);
  EXPECT_EQ(setup.keys.at("openai"), "sk-org");
}

TEST_F(ConversationSetupTest, WhatDoesNotExistIsNotFoundAndNothingIsABadRequest) {
  try {
    resolve(R"({"assistantId":"nope"})");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  try {
    resolve(R"({})");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
  }
}

}  // namespace
}  // namespace sb::chat
