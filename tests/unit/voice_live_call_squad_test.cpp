// Squad handoffs on a live call: the member answers with its own plans, and hears with its own
// transcriber (live_call_fixture.hpp).

#include "live_call_fixture.hpp"

namespace sb::voice {
namespace {

using namespace testing;  // NOLINT: the fixture and fakes of the live-call tests
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_F(LiveCallTest, AModelsHandoffMakesTheMemberAnswerFromThenOn) {
  auto reception = resolved(R"({"model": {"provider": "openai", "model": "gpt-4o",
      "messages": [{"role": "system", "content": "Reception."}]}})",
                            "reception");
  reception.squad_destinations =
      json::parse(R"([{"type": "assistant", "assistantName": "billing"}])").as_array();
  start_squad({reception, resolved(R"({"model": {"provider": "openai", "model": "gpt-4o",
      "messages": [{"role": "system", "content": "Billing."}]}, "endCallPhrases": ["bye now"]})",
                                   "billing")});
  transcriber_.say("billing please.", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  const auto name = model_.last().request.tools.at(0).at("function").at("name").as_string();
  model_.last().complete("", {llm::ToolCall{"c1", std::string(name), "{}"}});
  poll();
  ASSERT_EQ(model_.count(), 2u);
  model_.last().complete("Billing here.");
  poll();
  run_for(1000ms);
  transcriber_.say("thanks.", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 3u);
  const auto& first = model_.last().request.messages.at(0).as_object();
  EXPECT_EQ(string_at(first, "content"), "Billing.") << "the next turn starts with the member";
  model_.last().complete("Okay, bye now.");
  poll();
  run_for(1500ms);
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"assistant-said-end-call-phrase"})
      << "the member's own end-call phrases apply";
}

// A transferCall tool's assistant destination is a handoff; its message is said before the
// member answers.
TEST_F(LiveCallTest, ATransferToAnAssistantSaysItsMessageThenTheMemberAnswers) {
  auto reception = resolved(R"({"model": {"provider": "openai", "model": "gpt-4o",
      "tools": [{"type": "transferCall", "destinations": [
        {"type": "assistant", "assistantName": "billing", "message": "Connecting you to billing."}]}]}})",
                            "reception");
  start_squad({reception, resolved(R"({"model": {"provider": "openai", "model": "gpt-4o",
      "messages": [{"role": "system", "content": "Billing."}]}})",
                                   "billing")});
  transcriber_.say("billing please.", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  const auto& tools = model_.last().request.tools;
  ASSERT_EQ(tools.size(), 1u) << "no transferCall function: its only destination is an assistant";
  EXPECT_EQ(tools.at(0).at("function").at("name"), "handoff_to_billing");
  model_.last().complete("", {llm::ToolCall{"c1", "handoff_to_billing", "{}"}});
  poll();
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Connecting you to billing."});
  ASSERT_EQ(model_.count(), 2u);
  EXPECT_EQ(string_at(model_.last().request.messages.at(0).as_object(), "content"), "Billing.");
  model_.last().complete("Billing here.");
  poll();
  run_for(1000ms);
  EXPECT_EQ(voice_.said.back(), "Billing here.");
}

TEST_F(LiveCallTest, AHandoffToAMemberWithAnotherTranscriberOpensItsStream) {
  auto reception = resolved(R"({"model": {"provider": "openai", "model": "gpt-4o"},
      "transcriber": {"provider": "vapi", "language": "en"}})",
                            "reception");
  reception.squad_destinations = json::parse(R"([{"type": "assistant", "assistantName": "french"},
      {"type": "assistant", "assistantName": "same"}])")
                                     .as_array();
  auto same = resolved(R"({"model": {"provider": "openai", "model": "gpt-4o"},
      "transcriber": {"provider": "vapi", "language": "en"}})",
                       "same");
  same.squad_destinations =
      json::parse(R"([{"type": "assistant", "assistantName": "french"}])").as_array();
  start_squad({reception, same,
               resolved(R"({"model": {"provider": "openai", "model": "gpt-4o"},
      "transcriber": {"provider": "custom-transcriber", "server": {"url": "ws://fr"}}})",
                        "french")});
  ASSERT_EQ(transcriber_.opened.size(), 1u);
  // Handed to the member with the same transcriber: the stream stays.
  auto hand_to = [&](std::string_view member) {
    transcriber_.say("transfer me please.", true);
    poll();
    run_for(120ms);
    const auto& tools = model_.last().request.tools;
    std::string name;
    for (const auto& t : tools) {
      const auto n = std::string(t.at("function").at("name").as_string());
      if (n.find(member) != std::string::npos) name = n;
    }
    ASSERT_FALSE(name.empty()) << member;
    model_.last().complete("", {llm::ToolCall{"c" + std::to_string(model_.count()), name, "{}"}});
    poll();
    model_.last().complete("Done.");
    poll();
    run_for(1000ms);
  };
  hand_to("same");
  EXPECT_EQ(transcriber_.opened.size(), 1u);
  EXPECT_EQ(transcriber_.closes, 0);
  hand_to("french");
  ASSERT_EQ(transcriber_.opened.size(), 2u);
  EXPECT_EQ(transcriber_.closes, 1);
  EXPECT_EQ(string_at(transcriber_.opened[1], "provider"), "custom-transcriber");
  // The new stream's transcripts are the customer's turns.
  const auto asked = model_.count();
  transcriber_.say("bonjour.", true);
  poll();
  run_for(120ms);
  EXPECT_EQ(model_.count(), asked + 1);
  model_.last().complete("D'accord.");
  poll();
}

}  // namespace
}  // namespace sb::voice
