// A live call driven step by step: a manual clock, the call's strand polled by the test, a
// scripted model, speech engines and a transport the test plays. What is checked is what a
// caller would notice: when audio starts and how fast it comes, what an interruption cuts, what
// the model is told afterwards, and how the call ends.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/speech/speech.hpp"
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
  void close() override { closed = true; }
  int frames = 0;
  bool closed = false;
};

struct FakeTranscriber final : speech::Transcriber {
  void check(const json::object&) const override {}
  std::unique_ptr<speech::TranscriberStream> open(const json::object&, const speech::SpeechContext&,
                                                  speech::TranscriberEvents e) override {
    events = std::move(e);
    auto stream = std::make_unique<FakeStream>();
    last = stream.get();
    return stream;
  }
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

struct Recorded {
  std::vector<json::object> statuses, notified, reports;
  std::vector<std::string> ended_reasons;
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
  std::shared_ptr<Recorded> r;
};

class LiveCallTest : public ::testing::Test {
 protected:
  void start(std::string_view assistant_json) {
    chat::Conversation conversation;
    conversation.org_id = "org";
    chat::ResolvedAssistant assistant;
    assistant.assistant = json::parse(assistant_json).as_object();
    conversation.assistants.push_back(assistant);
    conversation.access = [](const chat::ModelSetup&) {
      return chat::ModelAccess{"http://x", "k"};
    };
    json::object doc{{"id", "call-1"}, {"orgId", "org"}, {"status", "queued"}};
    call_ = LiveCall::create(boost::asio::make_strand(io_),
                             LiveCallServices{clock_, engine_, transcriber_, voice_},
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

// The first piece of the greeting is one frame and the rest comes a moment later, so the next
// tick starts a new run; that tick fires 7 ms late and the ones after it 1 ms late. Each later
// tick still sends its frame: the run is paced on the grid, not from the late tick.
TEST_F(LiveCallTest, ARunStartedOnALateTickKeepsItsFramesOnTheGrid) {
  voice_.first_piece = speech::kFrameSamples;
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
            "firstMessage": "Hello there, how are you today?"})");  // 31 chars: 16 frames
  ASSERT_EQ(frames(), 1u);
  clock_.advance(5ms);
  voice_.deliver_rest();
  poll();
  EXPECT_EQ(frames(), 1u) << "the rest waits for the next tick";
  clock_.advance(22ms);  // the tick of +20 ms, 7 ms late: a new run, the frame and the lead
  poll();
  ASSERT_EQ(frames(), 5u);
  clock_.advance(14ms);  // +41 ms
  for (std::size_t k = 1; k <= 8; ++k) {
    poll();
    EXPECT_EQ(frames(), 5u + k) << "the tick of +" << 20 * (k + 1) << " ms";
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

}  // namespace
}  // namespace sb::voice
