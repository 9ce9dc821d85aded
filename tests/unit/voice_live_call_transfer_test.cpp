// The call-control tools that move or act on the phone line: transfers (blind and warm) and
// keypad tones (live_call_fixture.hpp).

#include "live_call_fixture.hpp"

namespace sb::voice {
namespace {

using namespace testing;  // NOLINT: the fixture and fakes of the live-call tests
using namespace std::chrono_literals;
namespace json = boost::json;

constexpr std::string_view kTransferAssistant = R"({"model": {"provider": "openai",
    "model": "gpt-4o", "tools": [{"type": "transferCall", "destinations": [
      {"type": "number", "number": "+14155550123", "message": "Putting you through."}]}]}})";

TEST_F(LiveCallTest, ATransferSaysItsMessageThenTheCarrierMovesTheCall) {
  FakeTransfers transfers;
  transfers_ = &transfers;
  start(kTransferAssistant);
  transcriber_.say("A person, please.", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  model_.last().complete(
      "", {llm::ToolCall{"call_1", "transferCall", R"({"destination":"+14155550123"})"}});
  poll();
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Putting you through."});
  EXPECT_TRUE(transfers.asked.empty()) << "not before the message has been heard";
  // It starts at waitSeconds (0.4 s) after the transcript and lasts 200 ms.
  run_for(400ms);
  EXPECT_TRUE(transfers.asked.empty()) << "not before the message has been heard";
  run_for(200ms);
  ASSERT_EQ(transfers.asked.size(), 1u);
  EXPECT_EQ(string_at(transfers.asked[0], "number"), "+14155550123");
  EXPECT_EQ(transport_->count("transfer-update"), 1u);
  transfers.answer("");
  poll();
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"assistant-forwarded-call"});
  model_.last().complete("");  // the round after the tool, cut by the end
  poll();
  const json::object number{{"destinationType", "number"}};
  EXPECT_EQ(recorded_->events_of("call.transferInitiated"), std::vector{number});
  EXPECT_EQ(recorded_->events_of("call.transferCompleted"), std::vector{number});
  EXPECT_EQ(recorded_->events_of("assistant.tool.started"),
            (std::vector{json::object{{"name", "transferCall"}}}));
  EXPECT_EQ(recorded_->events_of("call.ended"),
            (std::vector{json::object{{"endedReason", "assistant-forwarded-call"}}}));
  EXPECT_EQ(recorded_->events.back().first, "call.ended") << "the last thing that happened";
}

TEST_F(LiveCallTest, ATransferTheCarrierRefusesKeepsTheCallAndTellsTheModel) {
  FakeTransfers transfers;
  transfers_ = &transfers;
  start(kTransferAssistant);
  transcriber_.say("A person, please.", true);
  poll();
  run_for(120ms);
  model_.last().complete("", {llm::ToolCall{"call_1", "transferCall", "{}"}});
  poll();
  run_for(600ms);
  ASSERT_EQ(transfers.asked.size(), 1u);
  ASSERT_EQ(model_.count(), 2u);  // the round after the tool, still running
  transfers.answer("Twilio refused (HTTP 400)");
  poll();
  EXPECT_TRUE(recorded_->ended_reasons.empty());
  EXPECT_EQ(recorded_->events_of("call.transferFailed"),
            (std::vector{json::object{{"error", "Twilio refused (HTTP 400)"}}}));
  EXPECT_TRUE(recorded_->events_of("call.transferCompleted").empty());
  model_.last().complete("One moment.");
  poll();
  run_for(400ms);
  // The next round hears why, and says so.
  transcriber_.say("Hello?", true);
  poll();
  run_for(700ms);
  ASSERT_EQ(model_.count(), 3u);
  bool told = false;
  for (const auto& m : model_.last().request.messages)
    if (const auto* content = m.as_object().if_contains("content"); content && content->is_string())
      told |= content->get_string().find("Twilio refused") != std::string::npos;
  EXPECT_TRUE(told);
  model_.last().complete("Sorry, I could not transfer you.");
  poll();
}

TEST_F(LiveCallTest, WithoutACarrierTheModelHearsTransfersAreNotAvailable) {
  start(kTransferAssistant);
  transcriber_.say("A person, please.", true);
  poll();
  run_for(120ms);
  model_.last().complete("", {llm::ToolCall{"call_1", "transferCall", "{}"}});
  poll();
  ASSERT_EQ(model_.count(), 2u);
  EXPECT_EQ(string_at(model_.last().request.messages.back().as_object(), "content"),
            "Transfers are not available on this call");
  model_.last().complete("I cannot transfer you.");
  poll();
}

constexpr std::string_view kWarmTransferAssistant = R"({"model": {"provider": "openai",
    "model": "gpt-4o", "messages": [{"role": "system", "content": "Be the front desk."}],
    "tools": [{"type": "transferCall", "destinations": [
      {"type": "number", "number": "+14155550123", "message": "",
       "transferPlan": {"mode": "warm-transfer-say-summary",
                        "summaryPlan": {"timeoutSeconds": 3}}}]}]}})";

class WarmTransferTest : public LiveCallTest {
 protected:
  // Runs the customer's request through to the transfer tool (the round after it still open).
  void ask_for_transfer() {
    transcriber_.say("A person, please.", true);
    poll();
    run_for(120ms);
    model_.last().complete(
        "", {llm::ToolCall{"call_1", "transferCall", R"({"destination":"+14155550123"})"}});
    poll();
  }
};

TEST_F(WarmTransferTest, AWarmTransferIntroducesTheCallerWithTheModelsSummaryInItsVoice) {
  FakeTransfers transfers;
  transfers_ = &transfers;
  start(kWarmTransferAssistant);
  ask_for_transfer();
  // The summary is asked at once (nothing to say first), beside the round after the tool.
  ASSERT_EQ(model_.count(), 3u);
  model_.exchanges[1]->complete("");
  poll();
  const auto& summary = model_.last().request;
  EXPECT_TRUE(summary.tools.empty());
  EXPECT_NE(
      string_at(summary.messages.back().as_object(), "content").find("User: A person, please."),
      std::string::npos);
  EXPECT_TRUE(transfers.asked.empty()) << "the summary comes first";
  model_.last().complete("The caller wants a person.");
  poll();
  EXPECT_EQ(voice_.said.back(), "The caller wants a person.");
  ASSERT_EQ(transfers.asked.size(), 1u);
  ASSERT_TRUE(transfers.intros[0]);
  EXPECT_EQ(transfers.intros[0]->plan.mode, calls::TransferMode::kWarmSaySummary);
  // A WAV of the summary as the voice spoke it.
  const auto& wav = transfers.intros[0]->audio_wav;
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.size(),
            44 + std::string("The caller wants a person.").size() * kSamplesPerChar * 2);
  EXPECT_EQ(transport_->frames.size(), 0u) << "the caller never hears the summary";
  transfers.answer("");
  poll();
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"assistant-forwarded-call"});
}

TEST_F(WarmTransferTest, ASummaryThatIsLateLeavesTheIntroductionOut) {
  FakeTransfers transfers;
  transfers_ = &transfers;
  start(kWarmTransferAssistant);
  ask_for_transfer();
  ASSERT_EQ(model_.count(), 3u);  // the summary, never answered
  model_.exchanges[1]->complete("");
  poll();
  run_for(2900ms);
  EXPECT_TRUE(transfers.asked.empty());
  run_for(200ms);  // summaryPlan.timeoutSeconds: 3
  ASSERT_EQ(transfers.asked.size(), 1u);
  ASSERT_TRUE(transfers.intros[0]);
  EXPECT_TRUE(transfers.intros[0]->audio_wav.empty());
  transfers.answer("");
  poll();
}

TEST_F(LiveCallTest, ABlindTransferCanCarryTheSummaryInASipHeader) {
  FakeTransfers transfers;
  transfers.warm = false;  // any carrier: the transfer itself is blind
  transfers_ = &transfers;
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [{"type": "transferCall",
      "destinations": [{"type": "sip", "sipUri": "sip:desk@example.com", "message": "",
        "sipHeaders": {"X-Account": "7"},
        "transferPlan": {"mode": "blind-transfer-add-summary-to-sip-header"}}]}]}})");
  transcriber_.say("A person, please.", true);
  poll();
  run_for(120ms);
  model_.last().complete("", {llm::ToolCall{"call_1", "transferCall", "{}"}});
  poll();
  ASSERT_EQ(model_.count(), 3u);  // the round after the tool, and the summary
  model_.last().complete("Wants a person.");
  poll();
  ASSERT_EQ(transfers.asked.size(), 1u);
  EXPECT_FALSE(transfers.intros[0]) << "nothing is played to the destination";
  const auto& headers = transfers.asked[0].at("sipHeaders").as_object();
  EXPECT_EQ(headers.at("X-Transfer-Summary"), "Wants a person.");
  EXPECT_EQ(headers.at("X-Account"), "7");
  EXPECT_TRUE(voice_.said.empty()) << "the summary is not said to the caller";
  transfers.answer("");
  poll();
}

TEST_F(WarmTransferTest, AWarmTransferTheCarrierCannotMakeIsRefusedBeforeAnythingIsPrepared) {
  FakeTransfers transfers;
  transfers.warm = false;  // a Vonage call
  transfers_ = &transfers;
  start(kWarmTransferAssistant);
  ask_for_transfer();
  run_for(100ms);
  EXPECT_TRUE(transfers.asked.empty());
  EXPECT_EQ(transport_->count("transfer-update"), 0u);
  model_.last().complete("One moment.");
  poll();
  run_for(400ms);
  EXPECT_EQ(model_.count(), 2u) << "no summary is written";
  transcriber_.say("Hello?", true);
  poll();
  run_for(700ms);
  ASSERT_EQ(model_.count(), 3u) << "the next round hears why";
  bool told = false;
  for (const auto& m : model_.last().request.messages)
    if (const auto* content = m.as_object().if_contains("content"); content && content->is_string())
      told |= content->get_string().find("Twilio calls only") != std::string::npos;
  EXPECT_TRUE(told);
  model_.last().complete("Sorry.");
  poll();
}

// A hook's transferCall tool (here after 3 s of silence) moves the call as the model's would.
TEST_F(LiveCallTest, AHooksTransferCallToolTransfersTheCall) {
  FakeTransfers transfers;
  transfers_ = &transfers;
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 3},
     "do": [{"type": "tool", "tool": {"type": "transferCall", "destinations": [
       {"type": "assistant", "assistantName": "Billing"},
       {"type": "number", "number": "+14155550123", "message": "Let me get a person."}]}}]}
  ]})");
  run_for(2980ms);
  EXPECT_TRUE(voice_.said.empty());
  run_for(40ms);
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Let me get a person."});
  EXPECT_TRUE(transfers.asked.empty()) << "not before the message has been heard";
  run_for(300ms);
  ASSERT_EQ(transfers.asked.size(), 1u);
  EXPECT_EQ(string_at(transfers.asked[0], "number"), "+14155550123");
  transfers.answer("");
  poll();
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"assistant-forwarded-call"});
}

TEST_F(LiveCallTest, TheDtmfToolPlaysKeypadTonesAfterWhatWasSaid) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [{"type": "dtmf"}]}})");
  transcriber_.say("Press one, then two.", true);
  poll();
  run_for(120ms);
  model_.last().delta("Okay. ");
  model_.last().complete("Okay. ", {llm::ToolCall{"call_1", "dtmf", R"({"keys":"1w2"})"}});
  poll();
  ASSERT_EQ(model_.count(), 2u);
  EXPECT_EQ(string_at(model_.last().request.messages.back().as_object(), "content"), "Pressed 1w2");
  model_.last().complete("");
  poll();
  // "Okay." (60 ms) then 1 (200 ms), w (500 ms), 2 (200 ms): 48 frames in all.
  run_for(1200ms);
  std::size_t samples = 0;
  for (const auto& f : transport_->frames) samples += f.samples;
  EXPECT_EQ(samples, 6u * 160 + 3200 + 8000 + 3200);
  EXPECT_EQ(voice_.said, std::vector<std::string>{"Okay."});
}

}  // namespace
}  // namespace sb::voice
