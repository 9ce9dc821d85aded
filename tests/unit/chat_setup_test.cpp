#include "runtime/chat/chat_setup.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

std::string bad_request_message(const json::object& body) {
  try {
    check_chat_request(body);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.what();
  }
  return "";
}

TEST(ChatRequestRules, SessionAndPreviousChatAreMutuallyExclusive) {
  const auto message =
      bad_request_message(obj(R"({"sessionId":"s","previousChatId":"c","input":"x"})"));
  EXPECT_NE(message.find("sessionId"), std::string::npos);
  EXPECT_NE(message.find("previousChatId"), std::string::npos);
}

TEST(ChatRequestRules, SessionBringsItsOwnAssistant) {
  EXPECT_NE(bad_request_message(obj(R"({"sessionId":"s","assistantId":"a","input":"x"})")), "");
  EXPECT_NE(bad_request_message(obj(R"({"sessionId":"s","squad":{},"input":"x"})")), "");
}

TEST(ChatRequestRules, OneAssistantSourceAtMost) {
  EXPECT_NE(bad_request_message(obj(R"({"assistantId":"a","squadId":"q","input":"x"})")), "");
}

TEST(ChatRequestRules, SomethingMustNameTheAssistant) {
  EXPECT_NE(bad_request_message(obj(R"({"input":"x"})")), "");
  EXPECT_EQ(bad_request_message(obj(R"({"assistantId":"a","input":"x"})")), "");
  EXPECT_EQ(bad_request_message(obj(R"({"previousChatId":"c","input":"x"})")), "");
  EXPECT_EQ(bad_request_message(obj(R"({"previousChatId":"c","assistantId":"a","input":"x"})")),
            "");
  EXPECT_EQ(bad_request_message(obj(R"({"sessionId":"s","input":"x"})")), "");
}

TEST(ChatInput, StringIsOneUserMessage) {
  const auto messages = input_messages(json::value("hello"));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(json::serialize(messages[0]), R"({"role":"user","content":"hello"})");
}

TEST(ChatInput, MessageFieldBecomesContent) {
  const auto messages = input_messages(
      json::parse(R"([{"role":"user","message":"hi"},{"role":"assistant","content":"yo"}])"));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].as_object().at("content"), "hi");
  EXPECT_FALSE(messages[0].as_object().contains("message"));
  EXPECT_EQ(messages[1].as_object().at("content"), "yo");
}

TEST(ChatInput, EmptyInputIsRefused) {
  EXPECT_THROW(input_messages(json::value("")), ApiError);
  EXPECT_THROW(input_messages(json::array()), ApiError);
}

TEST(ChatMessages, ToModelFormatKeepsToolCallsAndMapsRoles) {
  const auto stored = json::parse(R"([
    {"role":"developer","content":"rules"},
    {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"c1","name":"f","content":"ok"}])")
                          .as_array();
  const auto model = to_model_messages(stored);
  ASSERT_EQ(model.size(), 3u);
  EXPECT_EQ(model[0].as_object().at("role"), "system");
  EXPECT_TRUE(model[1].as_object().at("content").is_null());
  EXPECT_EQ(model[1].as_object().at("tool_calls").as_array().size(), 1u);
  EXPECT_EQ(model[2].as_object().at("tool_call_id"), "c1");
}

TEST(AssistantOverrides, MergeObjectsReplaceTheRestDropVariables) {
  const auto merged = apply_overrides(
      obj(R"({"name":"a","model":{"provider":"openai","model":"gpt-4o","temperature":0.2},"tags":[1]})"),
      obj(R"({"model":{"temperature":0.9},"tags":[2,3],"variableValues":{"x":1}})"));
  EXPECT_EQ(json::serialize(merged.at("model")),
            R"({"provider":"openai","model":"gpt-4o","temperature":9E-1})");
  EXPECT_EQ(json::serialize(merged.at("tags")), "[2,3]");
  EXPECT_FALSE(merged.contains("variableValues"));
}

TEST(ModelSetup, ReadsProviderModelSystemMessagesAndKnobs) {
  const auto setup = model_setup(obj(R"({"model":{"provider":"anthropic","model":"claude",
      "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"x"}],
      "temperature":0.5,"maxTokens":50}})"));
  EXPECT_EQ(setup.provider, "anthropic");
  EXPECT_EQ(setup.model, "claude");
  ASSERT_EQ(setup.system_messages.size(), 1u);
  EXPECT_EQ(setup.system_messages[0].as_object().at("content"), "be brief");
  EXPECT_EQ(setup.temperature, 0.5);
  EXPECT_EQ(setup.max_tokens, 50);
}

TEST(ModelSetup, MissingModelOrProviderIsABadRequest) {
  EXPECT_THROW(model_setup(obj(R"({"name":"a"})")), ApiError);
  EXPECT_THROW(model_setup(obj(R"({"model":{"model":"gpt-4o"}})")), ApiError);
}

TEST(FirstMessage, OnlyWhenTheAssistantSpeaksFirst) {
  EXPECT_EQ(first_message(obj(R"({"firstMessage":"Hi"})")), "Hi");
  EXPECT_EQ(
      first_message(obj(R"({"firstMessage":"Hi","firstMessageMode":"assistant-waits-for-user"})")),
      std::nullopt);
}

TEST(ToolSet, FunctionAndApiRequestToolsBecomeDefinitions) {
  const auto set = tool_set(json::parse(R"([
    {"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
    {"type":"apiRequest","name":"lookup","method":"GET","url":"http://x","body":{"type":"object","properties":{"q":{"type":"string"}}}},
    {"type":"endCall"}])")
                                .as_array(),
                            {});
  ASSERT_EQ(set.definitions.size(), 2u);
  EXPECT_EQ(set.definitions[0].at_pointer("/function/name"), "get_weather");
  EXPECT_EQ(set.definitions[1].at_pointer("/function/parameters/properties/q/type"), "string");
  ASSERT_NE(set.tool("lookup"), nullptr);
  EXPECT_EQ(set.tool("nope"), nullptr);
}

TEST(ToolSet, HandoffDestinationsGetOneFunctionEach) {
  const auto set =
      tool_set(json::parse(R"([{"type":"handoff","destinations":[
        {"type":"assistant","assistantName":"Billing Desk","description":"money"},
        {"type":"assistant","assistantId":"a-2"}]}])")
                   .as_array(),
               json::parse(R"([{"type":"assistant","assistantName":"Sales"}])").as_array());
  ASSERT_EQ(set.definitions.size(), 3u);
  EXPECT_EQ(set.definitions[0].at_pointer("/function/name"), "handoff_to_Billing_Desk");
  EXPECT_EQ(set.definitions[0].at_pointer("/function/description"), "money");
  EXPECT_EQ(set.definitions[1].at_pointer("/function/name"), "handoff_to_a-2");
  EXPECT_EQ(set.definitions[2].at_pointer("/function/name"), "handoff_to_Sales");
  const auto* h = set.handoff("handoff_to_Sales", "{}");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->destination.at("assistantName"), "Sales");
}

TEST(ToolSet, HandoffWithItsOwnFunctionPicksByDestinationArgument) {
  const auto set = tool_set(json::parse(R"([{"type":"handoff",
      "function":{"name":"handoff","parameters":{"type":"object"}},
      "destinations":[{"type":"assistant","assistantName":"A"},{"type":"assistant","assistantName":"B"}]}])")
                                .as_array(),
                            {});
  ASSERT_EQ(set.definitions.size(), 1u);
  EXPECT_EQ(set.handoff("handoff", R"({"destination":"B"})")->destination.at("assistantName"), "B");
  EXPECT_EQ(set.handoff("handoff", "not json")->destination.at("assistantName"), "A");
}

TEST(ToolSet, TransferCallAssistantDestinationsAreHandoffs) {
  const auto set = tool_set(json::parse(R"([{"type":"transferCall","destinations":[
        {"type":"assistant","assistantName":"Billing"},
        {"type":"number","number":"+15550001111"}]}])")
                                .as_array(),
                            {}, true);
  ASSERT_EQ(set.definitions.size(), 2u);
  EXPECT_EQ(set.definitions[0].at_pointer("/function/name"), "handoff_to_Billing");
  EXPECT_EQ(set.definitions[1].at_pointer("/function/name"), "transferCall");
  ASSERT_NE(set.handoff("handoff_to_Billing", "{}"), nullptr);
  // The call's transfer only ever sees the phone destinations.
  const auto* transfer = set.tool("transferCall");
  ASSERT_NE(transfer, nullptr);
  ASSERT_EQ(transfer->at("destinations").as_array().size(), 1u);
  EXPECT_EQ(transfer->at("destinations").at(0).at("number"), "+15550001111");

  const auto only_assistants = tool_set(json::parse(R"([{"type":"transferCall","destinations":[
        {"type":"assistant","assistantName":"Billing"}]}])")
                                            .as_array(),
                                        {}, true);
  ASSERT_EQ(only_assistants.definitions.size(), 1u);
  EXPECT_EQ(only_assistants.tool("transferCall"), nullptr);
}

}  // namespace
}  // namespace sb::chat
