// The caller's side of a voice simulation (runtime/evals/simulated_caller): its microphone paced
// on a manual clock, the tester's speech then silence, the target's turns read from the call's
// messages, the turn latency, and its bounds. Plus the voice rules of simulation runs.

#include "runtime/evals/simulated_caller.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "domain/evals/simulation_run.hpp"

namespace sb::evals {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Records what the call is sent: one entry per frame, true when it carried speech.
struct Microphone final : voice::CallMedia {
  void customer_audio(std::vector<std::int16_t> pcm) override {
    EXPECT_EQ(pcm.size(), static_cast<std::size_t>(speech::kFrameSamples));
    frames.push_back(pcm.front() != 0);
  }
  void control(json::object) override {}
  void dtmf(std::string) override {}
  void mark_played(std::string) override {}
  void hung_up(std::string) override {}
  std::vector<bool> frames;
};

// Every character is one 20 ms frame of a constant; all at once, or held until release().
struct FrameVoice final : speech::Voice {
  void check(const json::object&) const override {}
  std::unique_ptr<speech::Synthesis> synthesize(const json::object&, const speech::SpeechContext&,
                                                std::string text,
                                                speech::VoiceEvents events) override {
    said.push_back(text);
    struct None final : speech::Synthesis {
      void cancel() override {}
    };
    const std::size_t samples = text.size() * speech::kFrameSamples;
    if (fail) {
      events.on_failure({"pipeline-error-vapi-voice-failed", "no voice"});
    } else {
      events.on_audio(std::vector<std::int16_t>(samples, 1000));
      events.on_done();
    }
    return std::make_unique<None>();
  }
  std::vector<std::string> said;
  bool fail = false;
};

class SimulatedCallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SimulatedCallerEvents events;
    events.on_target_turn = [this](std::string words) { turns.push_back(std::move(words)); };
    events.on_failure = [this](std::string message) { failures.push_back(std::move(message)); };
    caller = std::make_shared<SimulatedCaller>(boost::asio::make_strand(io), clock, voice,
                                               json::object{{"provider", "vapi"}},
                                               speech::SpeechContext{}, std::move(events));
    caller->start(call);
    poll();
  }
  void poll() {
    io.restart();
    while (io.poll() > 0) {
    }
  }
  void run_for(std::chrono::milliseconds span) {
    for (auto t = 0ms; t < span; t += 20ms) {
      clock.advance(20ms);
      poll();
    }
  }
  void message(const char* text) {
    caller->send_message(json::parse(text).as_object());
    poll();
  }

  ManualClock clock;
  boost::asio::io_context io;
  FrameVoice voice;
  std::shared_ptr<Microphone> call = std::make_shared<Microphone>();
  std::shared_ptr<SimulatedCaller> caller;
  std::vector<std::string> turns;
  std::vector<std::string> failures;
};

TEST_F(SimulatedCallerTest, SendsOneFramePerTwentyMillisecondsSpeechThenSilence) {
  EXPECT_EQ(call->frames.size(), 1u) << "the first frame at once";
  caller->say("abc");  // three frames of speech
  poll();
  run_for(100ms);
  EXPECT_EQ(call->frames, (std::vector<bool>{false, true, true, true, false, false}));
  clock.advance(10ms);
  poll();
  EXPECT_EQ(call->frames.size(), 6u) << "nothing ahead of real time";
  caller->say("de");
  caller->say("f");
  poll();
  run_for(80ms);
  EXPECT_EQ(voice.said, (std::vector<std::string>{"abc", "de", "f"}));
  EXPECT_EQ(std::vector<bool>(call->frames.begin() + 6, call->frames.end()),
            (std::vector<bool>{true, true, true, false}))
      << "utterances in order, one after the other";
}

TEST_F(SimulatedCallerTest, ATargetTurnIsItsFinalTranscriptsUntilItsSpeechStops) {
  message(R"({"type":"speech-update","status":"started","role":"assistant"})");
  message(
      R"({"type":"transcript","role":"assistant","transcriptType":"partial","transcript":"Hi"})");
  message(
      R"({"type":"transcript","role":"assistant","transcriptType":"final","transcript":"Hi."})");
  message(R"({"type":"transcript","role":"user","transcriptType":"final","transcript":"hello"})");
  message(
      R"({"type":"transcript","role":"assistant","transcriptType":"final","transcript":"How can I help?"})");
  EXPECT_TRUE(turns.empty());
  message(R"({"type":"speech-update","status":"stopped","role":"user"})");
  EXPECT_TRUE(turns.empty());
  message(R"({"type":"speech-update","status":"stopped","role":"assistant"})");
  EXPECT_EQ(turns, (std::vector<std::string>{"Hi. How can I help?"}));
  message(R"({"type":"speech-update","status":"stopped","role":"assistant"})");
  EXPECT_EQ(turns.back(), "") << "a turn that said nothing the call transcribed";
}

TEST_F(SimulatedCallerTest, TurnLatencyRunsFromTheEndOfTheTestersSpeechToTheTargetsNext) {
  EXPECT_EQ(caller->latency(), json::parse(R"({"turnCount":0})").as_object());
  caller->say("ab");
  poll();
  run_for(40ms);  // the frames go at 20 and 40 ms: the second plays until 60 ms
  run_for(500ms);
  message(R"({"type":"speech-update","status":"started","role":"assistant"})");
  EXPECT_EQ(caller->latency(), json::parse(R"({"turnCount":1,"avgTurn":480.0})").as_object());
  message(R"({"type":"speech-update","status":"started","role":"assistant"})");
  EXPECT_EQ(int_at(caller->latency(), "turnCount"), 1) << "counted once per utterance";
}

TEST_F(SimulatedCallerTest, AVoiceThatFailsStopsTheMicrophoneAndSaysWhy) {
  voice.fail = true;
  caller->say("abc");
  poll();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "the tester's voice failed: no voice");
  const auto sent = call->frames.size();
  run_for(100ms);
  EXPECT_EQ(call->frames.size(), sent);
}

TEST_F(SimulatedCallerTest, TooMuchSpeechIsAFailureNotAnUnboundedBuffer) {
  caller->say(std::string(SimulatedCaller::kMaxSpeechSeconds * 50 + 1, 'x'));
  poll();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "the tester's utterance is longer than 60 s");
}

TEST_F(SimulatedCallerTest, HangingUpStopsTheFrames) {
  run_for(40ms);
  caller->hang_up();
  poll();
  const auto sent = call->frames.size();
  caller->say("abc");
  poll();
  run_for(100ms);
  EXPECT_EQ(call->frames.size(), sent);
  EXPECT_TRUE(voice.said.empty());
}

TEST(SimulationRun, VoiceItemsTakeTwoSlotsAndRunAloneUnderALimitOfOne) {
  EXPECT_EQ(item_slots(true), 2);
  EXPECT_EQ(item_slots(false), 1);
  EXPECT_TRUE(slots_free(3, 2, 5));
  EXPECT_FALSE(slots_free(4, 2, 5));
  EXPECT_TRUE(slots_free(4, 1, 5));
  EXPECT_TRUE(slots_free(0, 2, 1)) << "else it would never start";
  EXPECT_FALSE(slots_free(1, 1, 1));
}

TEST(SimulationRun, ACallThatBrokeIsNotEvaluated) {
  for (const auto* reason : {"customer-ended-call", "assistant-ended-call", "silence-timed-out",
                             "exceeded-max-duration", "assistant-said-end-call-phrase"})
    EXPECT_FALSE(call_ended_in_error(reason)) << reason;
  for (const auto* reason :
       {"pipeline-error-vapi-voice-failed", "call.in-progress.error-vapifault-worker-died",
        "assistant-not-valid", "assistant-request-failed", "worker-shutdown", ""})
    EXPECT_TRUE(call_ended_in_error(reason)) << reason;
}

TEST(SimulationRun, AVoiceItemsCallMetadataIsItsCallsArtifact) {
  const auto call = json::parse(R"({"id":"c","artifact":{"transcript":"AI: Hi\n",
    "messagesOpenAIFormatted":[{"role":"assistant","content":"Hi"}],"recordingUrl":"http://r"},
    "monitor":{"listenUrl":"ws://l","controlUrl":"http://c"}})")
                        .as_object();
  EXPECT_EQ(
      voice_call_metadata(call),
      json::parse(R"({"transcript":"AI: Hi\n","messages":[{"role":"assistant","content":"Hi"}],
              "recordingUrl":"http://r","monitor":{"listenUrl":"ws://l"}})"));
  EXPECT_EQ(voice_call_metadata(json::object{{"id", "c"}}),
            json::parse(R"({"transcript":"","messages":[]})"));
  EXPECT_TRUE(
      wants_voice(json::parse(R"({"transport":{"provider":"vapi.websocket"}})").as_object()));
  EXPECT_FALSE(
      wants_voice(json::parse(R"({"transport":{"provider":"vapi.webchat"}})").as_object()));
}

}  // namespace
}  // namespace sb::evals
