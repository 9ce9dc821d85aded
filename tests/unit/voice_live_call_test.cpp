// A live call driven step by step (live_call_fixture.hpp). What is checked is what a caller
// would notice: when audio starts and how fast it comes, what an interruption cuts, what the
// model is told afterwards, and how the call ends.

#include "live_call_fixture.hpp"

namespace sb::voice {
namespace {

using namespace testing;  // NOLINT: the fixture and fakes of the live-call tests
using namespace std::chrono_literals;
namespace json = boost::json;

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

// The carrier's answering machine detection says a machine answered (voicemailDetection): what
// the assistant was saying is cut, the machine's greeting is no customer to answer, and the
// call ends once voicemailMessage has been played.
TEST_F(LiveCallTest, VoicemailCutsTheGreetingLeavesTheMessageThenEnds) {
  start(R"({"model": {"provider": "openai", "model": "gpt-4o"},
      "firstMessage": "Hello there, this is the clinic calling about tomorrow.",
      "voicemailMessage": "Please call us back."})");
  run_for(100ms);
  const auto before = frames();
  call_->voicemail_reached();
  poll();
  ASSERT_EQ(voice_.said.back(), "Please call us back.");
  transcriber_.say("Hi, you have reached Dana, leave a message.", true);
  poll();
  run_for(100ms);
  EXPECT_TRUE(recorded_->ended_reasons.empty()) << "not before the message has been played";
  // After the interruption's backoff (stopSpeakingPlan.backoffSeconds, 1 s), 20 characters:
  // 200 ms, 10 frames.
  run_for(1000ms);
  EXPECT_TRUE(recorded_->ended_reasons.empty());
  run_for(300ms);
  EXPECT_EQ(recorded_->ended_reasons, std::vector<std::string>{"voicemail"});
  EXPECT_EQ(model_.count(), 0u) << "the machine's greeting was not answered";
  // The greeting's remaining ~0.45 s (22 frames) was never sent.
  EXPECT_LE(frames(), before + 10 + 3);
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
