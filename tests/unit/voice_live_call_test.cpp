// A live call driven step by step: a manual clock, the call's strand polled by the test, a
// scripted model, speech engines and a transport the test plays. What is checked is what a
// caller would notice: when audio starts and how fast it comes, what an interruption cuts, what
// the model is told afterwards, and how the call ends.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numbers>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "domain/calls/transfer_plan.hpp"
#include "fake_websocket.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/voice/call_listeners.hpp"
#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/live_call.hpp"
#include "scripted_model.hpp"

namespace sb::voice {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using chat::testing::ScriptedModel;
using chat::testing::ScriptedTools;

// Every character of text is 10 ms of audio (160 samples of a constant), delivered at once.
constexpr std::size_t kSamplesPerChar = 160;

struct FakeSynthesis final : speech::Synthesis {
  void cancel() override { *cancelled = true; }
  std::shared_ptr<bool> cancelled = std::make_shared<bool>(false);
};

struct FakeVoice final : speech::Voice {
  void check(const json::object&) const override {}
  std::unique_ptr<speech::Synthesis> synthesize(const json::object&, const speech::SpeechContext&,
                                                std::string text,
                                                speech::VoiceEvents events) override {
    said.push_back(text);
    auto s = std::make_unique<FakeSynthesis>();
    std::vector<std::int16_t> pcm(text.size() * kSamplesPerChar, 1000);
    if (first_piece > 0 && first_piece < pcm.size()) {
      events.on_audio({pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(first_piece)});
      rest.assign(pcm.begin() + static_cast<std::ptrdiff_t>(first_piece), pcm.end());
      held = std::move(events);
      return s;
    }
    events.on_audio(std::move(pcm));
    events.on_done();
    return s;
  }
  void deliver_rest() {
    held.on_audio(std::move(rest));
    held.on_done();
  }
  std::vector<std::string> said;
  std::size_t first_piece = 0;  ///< > 0: only this many samples at once, the rest on deliver_rest()
  speech::VoiceEvents held;
  std::vector<std::int16_t> rest;
};

struct FakeStream final : speech::TranscriberStream {
  void push(std::span<const std::int16_t>, std::span<const std::int16_t>) override { ++frames; }
  void close() override {
    closed = true;
    if (closes) ++*closes;
  }
  int frames = 0;
  bool closed = false;
  int* closes = nullptr;  ///< the transcriber's count
};

struct FakeTranscriber final : speech::Transcriber {
  void check(const json::object&) const override {}
  std::unique_ptr<speech::TranscriberStream> open(const json::object& config,
                                                  const speech::SpeechContext&,
                                                  speech::TranscriberEvents e) override {
    events = std::move(e);
    opened.push_back(config);
    auto stream = std::make_unique<FakeStream>();
    stream->closes = &closes;
    last = stream.get();
    return stream;
  }
  std::vector<json::object> opened;
  int closes = 0;
  void say(std::string text, bool final) { events.on_transcript({std::move(text), final, false}); }
  speech::TranscriberEvents events;
  FakeStream* last = nullptr;
};

struct SentFrame {
  Clock::SteadyTime at;
  std::size_t samples;
};

struct FakeTransport final : CallTransport {
  explicit FakeTransport(const Clock& clock) : clock(clock) {}
  bool paced() const override { return true; }
  bool send_audio(std::span<const std::int16_t> pcm) override {
    frames.push_back({clock.steady_now(), pcm.size()});
    return true;
  }
  void clear() override { ++clears; }
  void mark(const std::string&) override {}
  void send_message(const json::object& m) override { messages.push_back(m); }
  void hang_up() override { hung_up = true; }
  std::size_t count(std::string_view type) const {
    std::size_t n = 0;
    for (const auto& m : messages) n += string_at(m, "type") == type;
    return n;
  }
  const Clock& clock;
  std::vector<SentFrame> frames;
  std::vector<json::object> messages;
  int clears = 0;
  bool hung_up = false;
};

/// Transfers the test answers by hand.
struct FakeTransfers final : CallTransfers {
  bool can_transfer(const json::object&) const override { return true; }
  std::optional<std::string> plan_refusal(const json::object&,
                                          const calls::TransferPlan& plan) const override {
    return calls::transfer_plan_refusal(plan, warm ? "twilio" : "vonage", warm);
  }
  void transfer(const json::object&, const json::object& destination,
                std::optional<TransferIntro> intro,
                std::function<void(std::string)> done) override {
    asked.push_back(destination);
    intros.push_back(std::move(intro));
    answer = std::move(done);
  }
  bool warm = true;
  std::vector<json::object> asked;
  std::vector<std::optional<TransferIntro>> intros;
  std::function<void(std::string)> answer;
};

struct Recorded {
  std::vector<json::object> statuses, notified, reports;
  std::vector<std::string> ended_reasons;
  std::vector<std::pair<json::object, std::function<void(std::optional<json::object>)>>> asks;
};

struct FakeSink final : CallSink {
  explicit FakeSink(std::shared_ptr<Recorded> r) : r(std::move(r)) {}
  void status_changed(const json::object&, std::optional<json::object> m) override {
    if (m) r->statuses.push_back(std::move(*m));
  }
  void notify(json::object m) override { r->notified.push_back(std::move(m)); }
  void ended(const json::object& call, std::optional<json::object>,
             std::optional<json::object> report) override {
    r->ended_reasons.emplace_back(string_at(call, "endedReason"));
    if (report) r->reports.push_back(std::move(*report));
  }
  void ask(json::object m, const json::object*, std::chrono::milliseconds,
           std::function<void(std::optional<json::object>)> answer) override {
    r->asks.emplace_back(std::move(m), std::move(answer));
  }
  std::shared_ptr<Recorded> r;
};

class LiveCallTest : public ::testing::Test {
 protected:
  static chat::ResolvedAssistant resolved(std::string_view assistant_json, std::string name = "") {
    chat::ResolvedAssistant assistant;
    assistant.assistant = json::parse(assistant_json).as_object();
    if (const auto* model = object_at(assistant.assistant, "model"))
      if (const auto* tools = array_at(*model, "tools")) assistant.tools = *tools;
    assistant.name = std::move(name);
    return assistant;
  }
  void start(std::string_view assistant_json) { start_squad({resolved(assistant_json)}); }
  void start_squad(std::vector<chat::ResolvedAssistant> assistants) {
    chat::Conversation conversation;
    conversation.org_id = "org";
    conversation.assistants = std::move(assistants);
    conversation.access = [](const chat::ModelSetup&) {
      return chat::ModelAccess{"http://x", "k"};
    };
    json::object doc{{"id", "call-1"}, {"orgId", "org"}, {"status", "queued"}};
    call_ = LiveCall::create(
        boost::asio::make_strand(io_),
        LiveCallServices{clock_, engine_, transcriber_, voice_, nullptr, nullptr, transfers_},
        std::make_unique<FakeSink>(recorded_), doc, conversation);
    poll();
    ASSERT_TRUE(call_->claim());
    EXPECT_FALSE(call_->claim()) << "one connection per call";
    call_->connected(transport_);
    poll();
  }
  void poll() {
    io_.restart();
    while (io_.poll() > 0) {
    }
  }
  // Moves time forward in 20 ms steps, running what falls due.
  void run_for(std::chrono::milliseconds span) {
    for (auto t = 0ms; t < span; t += 20ms) {
      clock_.advance(20ms);
      poll();
    }
  }
  std::size_t frames() const { return transport_->frames.size(); }
  // The customer says a vowel (which the voice detector takes for speech) for `span`, a 20 ms
  // frame every 20 ms.
  void customer_speaks_for(std::chrono::milliseconds span) {
    for (auto t = 0ms; t < span; t += 20ms) {
      std::vector<std::int16_t> frame(320);
      for (auto& sample : frame) {
        const double at = static_cast<double>(vowel_at_++) / 16000;
        double v = 0;
        for (int h = 1; h * 140 < 3400; ++h) {
          const double f = h * 140.0;
          v += (1.0 / (1 + std::pow((f - 700) / 150, 2)) + 0.05) *
               std::sin(2 * std::numbers::pi * f * at);
        }
        sample = static_cast<std::int16_t>(std::clamp(v * 4000, -32000.0, 32000.0));
      }
      clock_.advance(20ms);
      call_->customer_audio(std::move(frame));
      poll();
    }
  }
  std::size_t vowel_at_ = 0;

  ManualClock clock_;
  boost::asio::io_context io_;
  ScriptedModel model_;
  ScriptedTools tools_;
  chat::ChatEngine engine_{model_, tools_};
  FakeTranscriber transcriber_;
  FakeVoice voice_;
  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>(clock_);
  std::shared_ptr<Recorded> recorded_ = std::make_shared<Recorded>();
  std::shared_ptr<LiveCall> call_;
  CallTransfers* transfers_ = nullptr;  ///< a test that transfers sets it
};

constexpr std::string_view kAssistant = R"({"model": {"provider": "openai", "model": "gpt-4o"},
    "firstMessage": "Hello there."})";

TEST_F(LiveCallTest, GreetsFirstInRealTimeWithASmallLead) {
  start(kAssistant);
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Hello there."});
  EXPECT_EQ(string_at(recorded_->statuses.at(0), "status"), "in-progress");
  // 12 characters = 120 ms = 6 frames; never more than the lead (3) ahead of real time.
  const auto start_at = transport_->frames.at(0).at;
  run_for(200ms);
  ASSERT_EQ(frames(), 6u);
  for (std::size_t i = 0; i < frames(); ++i) {
    const auto due = start_at + 20ms * (i > 3 ? i - 3 : 0);
    EXPECT_LE(transport_->frames[i].at, due + 20ms) << "frame " << i;
    EXPECT_GE(transport_->frames[i].at, due) << "frame " << i << " went out too early";
  }
  EXPECT_EQ(transport_->count("speech-update"), 2u);  // assistant started, stopped
}

// The first piece of the greeting is one frame and the rest comes a moment later: the frames the
// lead allows go out with the rest at once, not a tick later; then one per tick.
TEST_F(LiveCallTest, TheLeadFollowsAFirstFrameThatCameAloneAtOnce) {
  voice_.first_piece = speech::kFrameSamples;
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
            "firstMessage": "Hello there, how are you today?"})");  // 31 chars: 16 frames
  ASSERT_EQ(frames(), 1u);
  const auto first_at = transport_->frames[0].at;
  clock_.advance(5ms);
  voice_.deliver_rest();
  poll();
  ASSERT_EQ(frames(), 4u) << "the frame playing and the lead (3) are out";
  for (std::size_t i = 1; i < 4; ++i) EXPECT_EQ(transport_->frames[i].at, first_at + 5ms);
  clock_.advance(15ms);  // +20 ms: one more as the first has played
  poll();
  EXPECT_EQ(frames(), 5u);
  clock_.advance(19ms);
  poll();
  EXPECT_EQ(frames(), 5u) << "never more than the lead ahead";
  clock_.advance(1ms);
  poll();
  EXPECT_EQ(frames(), 6u);
}

// The greeting's first frame plays out before the rest comes, so the rest starts a new run;
// the tick after it fires 7 ms late and the ones after it 1 ms late. Each later tick still
// sends its frame: the run is paced on the grid, not from the late tick.
TEST_F(LiveCallTest, ARunStartedOnALateTickKeepsItsFramesOnTheGrid) {
  voice_.first_piece = speech::kFrameSamples;
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
            "firstMessage": "Hello there, how are you today?"})");  // 31 chars: 16 frames
  ASSERT_EQ(frames(), 1u);
  run_for(40ms);
  EXPECT_EQ(frames(), 1u);
  clock_.advance(5ms);  // +45 ms: a new run on the grid point of +40, the frame and the lead
  voice_.deliver_rest();
  poll();
  ASSERT_EQ(frames(), 5u);
  clock_.advance(22ms);  // the tick of +60 ms, 7 ms late
  poll();
  ASSERT_EQ(frames(), 6u);
  clock_.advance(14ms);  // +81 ms
  for (std::size_t k = 1; k <= 8; ++k) {
    poll();
    EXPECT_EQ(frames(), 6u + k) << "the tick of +" << 20 * (k + 3) << " ms";
    clock_.advance(20ms);
  }
}

TEST_F(LiveCallTest, AnswersAfterTheEndpointingWaitAndNotBeforeWaitSeconds) {
  start(kAssistant);
  run_for(200ms);
  const auto greeting = frames();
  transcriber_.say("what time is it?", true);
  poll();
  run_for(80ms);
  EXPECT_EQ(model_.count(), 0u) << "punctuation waits onPunctuationSeconds (0.1 s)";
  run_for(40ms);
  ASSERT_EQ(model_.count(), 1u);
  const auto& messages = model_.last().request.messages;
  EXPECT_EQ(string_at(messages.back().as_object(), "content"), "what time is it?");
  model_.last().delta("It is noon. ");
  model_.last().complete("It is noon. ");
  poll();
  // waitSeconds (0.4 s) after the final transcript: 120 ms have passed.
  run_for(260ms);
  EXPECT_EQ(frames(), greeting);
  run_for(40ms);
  EXPECT_GT(frames(), greeting);
}

TEST_F(LiveCallTest, AnInterruptionCutsTheAnswerAndTheHistoryKeepsWhatWasHeard) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "firstMessage": "Hi.",
            "stopSpeakingPlan": {"numWords": 2, "backoffSeconds": 0.5}})");
  run_for(100ms);
  transcriber_.say("tell me a story.", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  const std::string story =
      "Once upon a time there was a very long story that went on and on. It never ended at all.";
  model_.last().delta(story);
  model_.last().complete(story);
  poll();
  run_for(600ms);  // waitSeconds, then ~0.3 s of the story
  const auto before = frames();
  ASSERT_GT(before, 5u);
  transcriber_.say("hold", false);  // an interruption phrase: at once
  poll();
  EXPECT_EQ(transport_->clears, 1);
  EXPECT_EQ(transport_->count("user-interrupted"), 1u);
  const auto after_cut = frames();
  EXPECT_LE(after_cut, before + 1) << "at most the fade-out frame after the cut";
  run_for(2000ms);
  EXPECT_EQ(frames(), after_cut) << "nothing of the interrupted answer plays later";

  transcriber_.say("hold on, what is the time?", true);
  poll();
  run_for(200ms);
  ASSERT_EQ(model_.count(), 2u);
  const auto& messages = model_.last().request.messages;
  std::string heard;
  for (const auto& m : messages)
    if (string_at(m.as_object(), "role") == "assistant")
      heard = std::string(string_at(m.as_object(), "content"));
  EXPECT_FALSE(heard.empty());
  EXPECT_LT(heard.size(), std::string("Once upon a time there was a very long story").size());
  EXPECT_EQ(story.rfind(heard, 0), 0u) << "the heard part is the story's beginning: " << heard;
  model_.last().complete("It is noon.");  // a scripted exchange holds its turn until answered
  call_->end("customer-ended-call");
  poll();
}

TEST_F(LiveCallTest, AcknowledgementsDoNotInterrupt) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
            "firstMessage": "Let me read you the whole list of our opening hours now.",
            "firstMessageInterruptionsEnabled": true,
            "stopSpeakingPlan": {"numWords": 1}})");
  run_for(100ms);
  transcriber_.say("okay", true);
  poll();
  run_for(100ms);
  EXPECT_EQ(transport_->clears, 0);
  EXPECT_EQ(model_.count(), 0u) << "an acknowledgement is not a turn";
}

TEST_F(LiveCallTest, EndCallPhraseEndsAfterItIsSpoken) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "endCallPhrases": ["goodbye"]})");
  transcriber_.say("that is all.", true);
  poll();
  run_for(120ms);
  model_.last().complete("Thanks, goodbye!");
  poll();
  run_for(300ms);
  EXPECT_TRUE(recorded_->ended_reasons.empty()) << "still speaking";
  run_for(600ms);
  ASSERT_EQ(recorded_->ended_reasons, std::vector<std::string>{"assistant-said-end-call-phrase"});
  EXPECT_TRUE(transport_->hung_up);
  EXPECT_TRUE(transcriber_.last->closed);
  ASSERT_EQ(recorded_->reports.size(), 1u);
  const auto& artifact = recorded_->reports[0].at("artifact").as_object();
  EXPECT_EQ(artifact.at("messages").as_array().size(), 2u);
  EXPECT_NE(std::string(string_at(artifact, "transcript")).find("User: that is all."),
            std::string::npos);
}

TEST_F(LiveCallTest, EndsOnceWhicheverEndComesFirst) {
  start(kAssistant);
  call_->end("customer-ended-call");
  call_->end("exceeded-max-duration");
  poll();
  call_->hung_up("socket closed");
  poll();
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"customer-ended-call"});
  EXPECT_FALSE(call_->claim());
}

TEST_F(LiveCallTest, SilenceAndMaxDurationEndTheCall) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "silenceTimeoutSeconds": 10})");
  run_for(9900ms);
  EXPECT_TRUE(recorded_->ended_reasons.empty());
  run_for(200ms);
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"silence-timed-out"});
}

TEST_F(LiveCallTest, SilenceHooksSpeakInTurnThenEndTheCall) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 2},
     "do": [{"type": "say", "exact": ["Are you there?", "Hello?"]}]},
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 4},
     "do": [{"type": "say", "exact": "Goodbye."}, {"type": "tool", "tool": {"type": "endCall"}}]}
  ]})");
  run_for(1980ms);
  EXPECT_TRUE(voice_.said.empty());
  run_for(40ms);
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Are you there?"});
  // What the hook said does not restart the silence: the second hook is due 4 s after the start.
  run_for(1960ms);
  EXPECT_EQ(voice_.said.size(), 1u);
  EXPECT_TRUE(recorded_->ended_reasons.empty());
  run_for(60ms);
  ASSERT_EQ(voice_.said, (std::vector<std::string>{"Are you there?", "Goodbye."}));
  EXPECT_TRUE(recorded_->ended_reasons.empty()) << "the goodbye is said first";
  run_for(300ms);
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"assistant-ended-call"});
}

TEST_F(LiveCallTest, TheCustomerSpeakingStartsANewSilence) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 2},
     "do": [{"type": "say", "exact": "Still there?"}]}]})");
  run_for(1500ms);
  transcriber_.say("hmm, let me think.", true);
  poll();
  run_for(200ms);
  ASSERT_EQ(model_.count(), 1u);
  model_.last().complete("Take your time.");
  poll();
  run_for(600ms);  // waitSeconds, then the 150 ms answer, played out by ~2.1 s
  run_for(1600ms);
  EXPECT_EQ(voice_.said, std::vector<std::string>{"Take your time."});
  run_for(500ms);
  EXPECT_EQ(voice_.said, (std::vector<std::string>{"Take your time.", "Still there?"}));
}

TEST_F(LiveCallTest, CallEndingHooksRunTheirToolsAndAddTheirMessagesWhenTheFilterHolds) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "call.ending", "filters": [{"type": "oneOf", "key": "call.endedReason",
      "oneOf": ["customer-ended-call"]}],
     "do": [{"type": "tool", "tool": {"type": "function", "server": {"url": "http://hooks"},
               "function": {"name": "log_end", "parameters": {"type": "object", "properties": {
                 "why": {"type": "string", "value": "hung up"}}}}}},
            {"type": "tool", "tool": {"type": "transferCall", "destinations": []}},
            {"type": "say", "exact": "not said"},
            {"type": "message.add", "message": {"role": "system", "content": "Caller hung up."}}]},
    {"on": "call.ending", "filters": [{"type": "oneOf", "key": "call.endedReason",
      "oneOf": ["pipeline-error"]}],
     "do": [{"type": "tool", "tool": {"type": "function", "function": {"name": "page_ops"}}}]}
  ]})");
  run_for(200ms);
  call_->end("customer-ended-call");
  poll();
  ASSERT_EQ(tools_.batches.size(), 1u) << "the transfer is skipped, the other hook filtered out";
  const auto& run = tools_.batches[0].calls.at(0);
  EXPECT_EQ(run.call.name, "log_end");
  EXPECT_EQ(json::parse(run.call.arguments), json::parse(R"({"why": "hung up"})"));
  EXPECT_TRUE(voice_.said.empty());
  tools_.finish("logged");  // its result is for no model
  poll();
  ASSERT_EQ(recorded_->reports.size(), 1u);
  const auto& openai =
      recorded_->reports[0].at("artifact").at("messagesOpenAIFormatted").as_array();
  ASSERT_FALSE(openai.empty());
  EXPECT_EQ(string_at(openai.back().as_object(), "content"), "Caller hung up.");
}

TEST_F(LiveCallTest, AHookToolRunsAsTheModelsToolsRun) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [
      {"id": "tool-1", "type": "function", "function": {"name": "note"}}]}, "hooks": [
    {"on": "customer.speech.timeout", "options": {"timeoutSeconds": 1},
     "do": [{"type": "tool", "toolId": "tool-1"}, {"type": "tool", "tool": {"type": "dtmf"}},
            {"type": "tool", "toolId": "unknown"}]}]})");
  run_for(1100ms);
  ASSERT_EQ(tools_.batches.size(), 1u);
  EXPECT_EQ(tools_.batches[0].calls.at(0).call.name, "note");
  EXPECT_EQ(tools_.batches[0].calls.at(0).call.arguments, "{}");
  EXPECT_TRUE(recorded_->ended_reasons.empty()) << "the skipped tools did not end the call";
  tools_.finish("ok");
  poll();
  run_for(200ms);
  EXPECT_EQ(model_.count(), 0u) << "a hook's tool result is not the model's";
}

TEST_F(LiveCallTest, TheAssistantStartingOverTheCustomerRunsCustomerSpeechInterrupted) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "hooks": [
    {"on": "customer.speech.interrupted", "do": [{"type": "say", "exact": "Sorry, go on."}]}]})");
  // Said while nobody speaks: no hook.
  call_->control(json::object{{"type", "say"}, {"content", "Hello?"}});
  poll();
  run_for(400ms);
  EXPECT_EQ(voice_.said, std::vector<std::string>{"Hello?"});
  customer_speaks_for(200ms);
  call_->control(json::object{
      {"type", "say"}, {"content", "Are you there?"}, {"interruptionsEnabled", false}});
  poll();
  customer_speaks_for(100ms);
  EXPECT_EQ(voice_.said, (std::vector<std::string>{"Hello?", "Are you there?", "Sorry, go on."}));
  run_for(600ms);
  EXPECT_EQ(voice_.said.size(), 3u);
  EXPECT_TRUE(recorded_->ended_reasons.empty());
}

TEST_F(LiveCallTest, AToolsMessagesAreSpokenAroundItsRun) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [
    {"type": "function", "function": {"name": "lookup"}, "messages": [
      {"type": "request-start", "content": "Let me check."},
      {"type": "request-response-delayed", "timingMilliseconds": 1000, "content": "Almost."},
      {"type": "request-complete", "content": "Found it."}]}]}})");
  transcriber_.say("is my order shipped?", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  model_.last().complete("", {llm::ToolCall{"call_1", "lookup", "{}"}});
  poll();
  ASSERT_EQ(tools_.batches.size(), 1u);
  EXPECT_EQ(voice_.said, std::vector<std::string>{"Let me check."});
  run_for(1100ms);
  EXPECT_EQ(voice_.said, (std::vector<std::string>{"Let me check.", "Almost."}));
  tools_.finish("shipped");
  poll();
  EXPECT_EQ(voice_.said.back(), "Found it.");
  ASSERT_EQ(model_.count(), 2u);
  model_.last().complete("It shipped.");
  poll();
  EXPECT_EQ(voice_.said.back(), "It shipped.");
}

TEST_F(LiveCallTest, ABlockingRequestStartMessageIsSaidBeforeTheToolRuns) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o", "tools": [
    {"type": "function", "function": {"name": "lookup"}, "messages": [
      {"type": "request-start", "content": "Let me check.", "blocking": true}]}]}})");
  transcriber_.say("is my order shipped?", true);
  poll();
  run_for(120ms);
  ASSERT_EQ(model_.count(), 1u);
  model_.last().complete("", {llm::ToolCall{"call_1", "lookup", "{}"}});
  poll();
  ASSERT_EQ(voice_.said, std::vector<std::string>{"Let me check."});
  // 13 characters: 130 ms of audio, which waits for waitSeconds (0.4 s after the transcript).
  run_for(400ms);
  EXPECT_TRUE(tools_.batches.empty()) << "the tool waits until its message has been heard";
  run_for(100ms);
  ASSERT_EQ(tools_.batches.size(), 1u);
  tools_.finish("shipped");
  poll();
  ASSERT_EQ(model_.count(), 2u);
  model_.last().complete("It shipped.");
  poll();
  EXPECT_EQ(voice_.said.back(), "It shipped.");
}

TEST_F(LiveCallTest, ASlowAnswerSendsHangOnce) {
  start(kAssistant);
  run_for(200ms);
  transcriber_.say("are you there?", true);
  poll();
  run_for(4900ms);
  EXPECT_EQ(transport_->count("hang"), 0u);
  run_for(300ms);
  EXPECT_EQ(transport_->count("hang"), 1u);
  run_for(5000ms);
  EXPECT_EQ(transport_->count("hang"), 1u);
  model_.last().complete("Yes.");
  poll();
}

TEST_F(LiveCallTest, TheReportCarriesCostsAndTheirAmounts) {
  start(kAssistant);
  run_for(200ms);
  transcriber_.say("hi.", true);
  poll();
  run_for(120ms);
  model_.last().complete("Hello.");
  poll();
  run_for(2000ms);
  call_->end("customer-ended-call");
  poll();
  ASSERT_EQ(recorded_->reports.size(), 1u);
  const auto& costs = recorded_->reports[0].at("costs").as_array();
  std::map<std::string, json::object> by_type;
  for (const auto& c : costs)
    by_type[std::string(string_at(c.as_object(), "type"))] = c.as_object();
  for (const char* type : {"transport", "transcriber", "model", "voice", "vapi"})
    EXPECT_TRUE(by_type.contains(type)) << type;
  EXPECT_NEAR(number_at(by_type["vapi"], "minutes", 0), 2.32 / 60, 0.01);
  EXPECT_EQ(number_at(by_type["model"], "promptTokens", 0), 10);
  EXPECT_EQ(number_at(by_type["voice"], "characters", 0), 18);  // "Hello there." + "Hello."
  EXPECT_EQ(number_at(recorded_->reports[0], "cost", -1), 0);
}

TEST_F(LiveCallTest, AListenerHearsBothSidesAlignedUntilTheCallEnds) {
  // Not recorded (no recording setup): the call aligns for its listener alone.
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
            "firstMessage": "Hello there, thanks for calling us today."})");
  auto place = call_->reserve_listener();
  ASSERT_TRUE(place);
  auto socket = std::make_shared<test::FakeWebSocket>();
  auto handler = call_->listen(socket, std::move(place));
  poll();
  for (int i = 0; i < 25; ++i) {  // the customer sends 20 ms of 500s every 20 ms
    clock_.advance(20ms);
    call_->customer_audio(std::vector<std::int16_t>(320, 500));
    poll();
  }
  // 500 ms of call, of which the last 100 ms (the recorder's slack) may still be held.
  EXPECT_GE(socket->binaries.size(), 19u);
  EXPECT_LE(socket->binaries.size(), 25u);
  bool both = false;
  std::size_t left = 0, right = 0;
  for (const auto& frame : socket->binaries) {
    ASSERT_EQ(frame.size(), 1280u);
    for (std::size_t i = 0; i + 3 < frame.size(); i += 4) {
      const auto l = static_cast<std::int16_t>(static_cast<unsigned char>(frame[i]) |
                                               (static_cast<unsigned char>(frame[i + 1]) << 8));
      const auto r = static_cast<std::int16_t>(static_cast<unsigned char>(frame[i + 2]) |
                                               (static_cast<unsigned char>(frame[i + 3]) << 8));
      left += l == 500;
      right += r == 1000;  // the fake voice's samples
      both = both || (l == 500 && r == 1000);
    }
  }
  EXPECT_GT(left, 320u * 15) << "the customer on channel 0";
  EXPECT_GT(right, 320u * 10) << "the greeting on channel 1";
  EXPECT_TRUE(both) << "both sides at the same moment, aligned";

  std::vector<std::shared_ptr<void>> more;
  for (std::size_t i = 1; i < CallListeners::kMaxListeners; ++i)
    more.push_back(call_->reserve_listener());
  for (const auto& p : more) EXPECT_TRUE(p);
  EXPECT_FALSE(call_->reserve_listener()) << "one more than kMaxListeners";
  more.clear();

  call_->end("customer-ended-call");
  poll();
  EXPECT_EQ(socket->closed, net::CloseCode::kNormal);
  const auto sent = socket->binaries.size();
  EXPECT_GE(sent, 25u) << "the end sends what the recorder still held";
  handler->on_close(1000, "call ended");
  run_for(100ms);
  EXPECT_EQ(socket->binaries.size(), sent);
  EXPECT_FALSE(call_->reserve_listener()) << "an ended call takes no listener";
}

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

TEST_F(LiveCallTest, ACustomEndpointingModelDecidesWhenTheTurnEnds) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}, "startSpeakingPlan": {
      "smartEndpointingPlan": {"provider": "custom-endpointing-model"}, "waitSeconds": 0}})");
  transcriber_.say("my account number is", true);
  poll();
  ASSERT_EQ(recorded_->asks.size(), 1u);
  const auto& asked = recorded_->asks[0].first;
  EXPECT_EQ(string_at(asked, "type"), "call.endpointing.request");
  const auto& messages = asked.at("messages").as_array();
  EXPECT_EQ(string_at(messages.back().as_object(), "message"), "my account number is");
  run_for(300ms);
  recorded_->asks[0].second(json::object{{"timeoutSeconds", 2}});
  poll();
  run_for(1600ms);
  EXPECT_EQ(model_.count(), 0u) << "2 s from the transcript, not from the answer";
  run_for(200ms);
  ASSERT_EQ(model_.count(), 1u);
  model_.last().complete("Thanks.");
  poll();
  run_for(1000ms);
  // No answer from the server: the transcription plan's wait (1.5 s without punctuation).
  transcriber_.say("and one more thing", true);
  poll();
  ASSERT_EQ(recorded_->asks.size(), 2u);
  recorded_->asks[1].second(std::nullopt);
  poll();
  run_for(1400ms);
  EXPECT_EQ(model_.count(), 1u);
  run_for(200ms);
  EXPECT_EQ(model_.count(), 2u);
  model_.last().complete("Sure.");
  poll();
}

TEST_F(LiveCallTest, KeypadDigitsBecomeOneTurnAtTheDelimiterOrAfterTheTimeout) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
            "keypadInputPlan": {"enabled": true, "timeoutSeconds": 1, "delimiters": "#"}})");
  call_->dtmf("1");
  call_->dtmf("2");
  poll();
  run_for(900ms);
  EXPECT_EQ(model_.count(), 0u) << "the timeout counts from the last digit";
  call_->dtmf("#");
  poll();
  ASSERT_EQ(model_.count(), 1u) << "the delimiter hands the entry over at once";
  EXPECT_EQ(string_at(model_.last().request.messages.back().as_object(), "content"),
            "User's Keypad Entry: 12");
  model_.last().complete("Thanks.");
  poll();
  run_for(400ms);
  call_->dtmf("5");
  poll();
  run_for(980ms);
  EXPECT_EQ(model_.count(), 1u);
  run_for(40ms);
  ASSERT_EQ(model_.count(), 2u) << "1 s after the last digit";
  EXPECT_EQ(string_at(model_.last().request.messages.back().as_object(), "content"),
            "User's Keypad Entry: 5");
  model_.last().complete("Five.");
  poll();
}

TEST_F(LiveCallTest, KeypadDigitsAreIgnoredUnlessThePlanIsEnabled) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"}})");
  call_->dtmf("1");
  call_->dtmf("#");
  poll();
  run_for(3s);
  EXPECT_EQ(model_.count(), 0u);
}

TEST_F(LiveCallTest, ANeverConnectedCallEndsAfterItsDeadline) {
  chat::Conversation conversation;
  conversation.assistants.push_back({});
  call_ = LiveCall::create(
      boost::asio::make_strand(io_), LiveCallServices{clock_, engine_, transcriber_, voice_},
      std::make_unique<FakeSink>(recorded_), json::object{{"id", "c"}, {"status", "queued"}},
      conversation, LiveCallOptions{5000ms, 3});
  poll();
  run_for(4980ms);
  EXPECT_TRUE(recorded_->ended_reasons.empty());
  run_for(40ms);
  EXPECT_EQ(
      recorded_->ended_reasons,
      std::vector<std::string>{"call.in-progress.error-providerfault-transport-never-connected"});
}

TEST_F(LiveCallTest, AProvidersProgressRingsAQueuedCallAndJoinsItsFields) {
  chat::Conversation conversation;
  conversation.assistants.push_back({});
  call_ = LiveCall::create(
      boost::asio::make_strand(io_), LiveCallServices{clock_, engine_, transcriber_, voice_},
      std::make_unique<FakeSink>(recorded_), json::object{{"id", "c"}, {"status", "queued"}},
      conversation, LiveCallOptions{5000ms, 3});
  call_->progress(json::object{{"phoneCallProviderId", "CA1"}}, "ringing");
  poll();
  ASSERT_EQ(recorded_->statuses.size(), 1u);
  EXPECT_EQ(string_at(recorded_->statuses.at(0), "status"), "ringing");
  EXPECT_EQ(string_at(call_->snapshot(), "phoneCallProviderId"), "CA1");
  call_->progress({}, "ringing");  // already ringing: nothing new
  poll();
  EXPECT_EQ(recorded_->statuses.size(), 1u);
  call_->progress(json::object{{"endedMessage", "Twilio refused the call"}}, "");
  call_->end("twilio-failed-to-connect-call");
  poll();
  EXPECT_EQ(string_at(call_->snapshot(), "endedMessage"), "Twilio refused the call");
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"twilio-failed-to-connect-call"});
  call_->progress({}, "ringing");  // after the end: nothing
  poll();
  EXPECT_EQ(string_at(call_->snapshot(), "status"), "ended");
}

}  // namespace
}  // namespace sb::voice

namespace sb::voice {
namespace {

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
