// fallbackPlan of transcribers and voices: the next config takes over when one fails.
#include "runtime/speech/fallback_speech.hpp"

#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

/// Adapters whose events the test fires by hand; provider "broken" fails at once, inside the
/// call that starts it, and "unknown" is refused by check().
struct FakeSynthesis final : Synthesis {
  std::string provider, text;
  VoiceEvents events;
  bool cancelled = false;
  void cancel() override { cancelled = true; }
};

class FakeVoice final : public Voice {
 public:
  void check(const json::object& config) const override {
    if (string_at(config, "provider") == "unknown")
      throw ApiError::bad_request("voice.provider unknown");
  }
  std::unique_ptr<Synthesis> synthesize(const json::object& config, const SpeechContext&,
                                        std::string text, VoiceEvents events) override {
    auto s = std::make_unique<FakeSynthesis>();
    s->provider = string_at(config, "provider");
    s->text = std::move(text);
    s->events = std::move(events);
    started.push_back(s.get());
    if (s->provider == "broken") s->events.on_failure({"pipeline-error-broken-voice-failed", ""});
    return s;
  }
  std::vector<FakeSynthesis*> started;
};

/// What the test sees of each stream opened, kept after the stream is gone.
struct Opened {
  std::string provider;
  TranscriberEvents events;
  int frames = 0;
  bool closed = false;
};

struct FakeStream final : TranscriberStream {
  explicit FakeStream(Opened& seen) : seen(seen) {}
  Opened& seen;
  void push(std::span<const std::int16_t>, std::span<const std::int16_t>) override {
    ++seen.frames;
  }
  void close() override { seen.closed = true; }
};

class FakeTranscriber final : public Transcriber {
 public:
  void check(const json::object& config) const override {
    if (string_at(config, "provider") == "unknown")
      throw ApiError::bad_request("transcriber.provider unknown");
  }
  std::unique_ptr<TranscriberStream> open(const json::object& config, const SpeechContext&,
                                          TranscriberEvents events) override {
    auto& seen = opened.emplace_back();
    seen.provider = string_at(config, "provider");
    seen.events = std::move(events);
    return std::make_unique<FakeStream>(seen);
  }
  std::deque<Opened> opened;
};

json::object voice_with_fallbacks() {
  return {{"provider", "openai"},
          {"fallbackPlan",
           {{"voices", json::array{{{"provider", "cartesia"}}, {{"provider", "11labs"}}}}}}};
}

struct Heard {
  std::vector<std::size_t> audio;
  int done = 0;
  std::vector<std::string> failures;
  VoiceEvents events() {
    return {[this](std::vector<std::int16_t> pcm) { audio.push_back(pcm.size()); },
            [this] { ++done; }, [this](SpeechFailure f) { failures.push_back(f.ended_reason); }};
  }
};

TEST(FallbackVoice, TheNextVoiceSpeaksTheUtteranceAgainAndKeepsTheCall) {
  FakeVoice inner;
  FallbackVoice voice(inner);
  SpeechContext call;
  Heard heard;
  auto s = voice.synthesize(voice_with_fallbacks(), call, "Hello there.", heard.events());
  ASSERT_EQ(inner.started.size(), 1u);
  inner.started[0]->events.on_audio(std::vector<std::int16_t>(160));
  inner.started[0]->events.on_failure({"pipeline-error-openai-voice-failed", "cut"});
  ASSERT_EQ(inner.started.size(), 2u);
  EXPECT_EQ(inner.started[1]->provider, "cartesia");
  EXPECT_EQ(inner.started[1]->text, "Hello there.");
  inner.started[1]->events.on_audio(std::vector<std::int16_t>(320));
  inner.started[1]->events.on_done();
  EXPECT_EQ(heard.audio, (std::vector<std::size_t>{160, 320}));
  EXPECT_EQ(heard.done, 1);
  EXPECT_TRUE(heard.failures.empty());

  // The call's next utterance starts with the voice that works.
  Heard next;
  auto later = voice.synthesize(voice_with_fallbacks(), call, "And then.", next.events());
  ASSERT_EQ(inner.started.size(), 3u);
  EXPECT_EQ(inner.started[2]->provider, "cartesia");
}

TEST(FallbackVoice, WhenEveryVoiceFailsTheFirstFailureEndsIt) {
  FakeVoice inner;
  FallbackVoice voice(inner);
  SpeechContext call;
  Heard heard;
  json::object config{{"provider", "openai"},
                      {"fallbackPlan", {{"voices", json::array{{{"provider", "broken"}}}}}}};
  auto s = voice.synthesize(config, call, "Hi.", heard.events());
  inner.started[0]->events.on_failure({"pipeline-error-openai-voice-failed", ""});
  EXPECT_EQ(heard.failures, (std::vector<std::string>{"pipeline-error-openai-voice-failed"}));
  EXPECT_EQ(inner.started.size(), 2u);  // broken was tried, and failed at once

  // Later utterances fail at once, with the same reason, without trying the voices again.
  Heard later;
  auto again = voice.synthesize(config, call, "Still there?", later.events());
  EXPECT_EQ(later.failures, (std::vector<std::string>{"pipeline-error-openai-voice-failed"}));
  EXPECT_EQ(inner.started.size(), 2u);
}

TEST(FallbackVoice, NothingIsHeardAfterCancelAndEveryAttemptIsCancelled) {
  FakeVoice inner;
  FallbackVoice voice(inner);
  SpeechContext call;
  Heard heard;
  auto s = voice.synthesize(voice_with_fallbacks(), call, "Hi.", heard.events());
  inner.started[0]->events.on_failure({"pipeline-error-openai-voice-failed", ""});
  s->cancel();
  inner.started[1]->events.on_audio(std::vector<std::int16_t>(160));
  inner.started[1]->events.on_done();
  EXPECT_TRUE(heard.audio.empty());
  EXPECT_EQ(heard.done, 0);
  EXPECT_TRUE(inner.started[0]->cancelled);
  EXPECT_TRUE(inner.started[1]->cancelled);
}

TEST(FallbackVoice, AVoiceWithoutAPlanIsTheAdapterItself) {
  FakeVoice inner;
  FallbackVoice voice(inner);
  Heard heard;
  auto s = voice.synthesize({{"provider", "broken"}}, SpeechContext{}, "Hi.", heard.events());
  EXPECT_EQ(s.get(), inner.started[0]);
  EXPECT_EQ(heard.failures, (std::vector<std::string>{"pipeline-error-broken-voice-failed"}));
}

TEST(FallbackSpeech, CheckRefusesAFallbackTheServerCannotServe) {
  FakeVoice inner_voice;
  FallbackVoice voice(inner_voice);
  EXPECT_NO_THROW(voice.check(voice_with_fallbacks()));
  EXPECT_THROW(
      voice.check({{"provider", "openai"},
                   {"fallbackPlan", {{"voices", json::array{{{"provider", "unknown"}}}}}}}),
      ApiError);
  FakeTranscriber inner_transcriber;
  FallbackTranscriber transcriber(inner_transcriber);
  EXPECT_THROW(transcriber.check(
                   {{"provider", "deepgram"},
                    {"fallbackPlan", {{"transcribers", json::array{{{"provider", "unknown"}}}}}}}),
               ApiError);
}

TEST(FallbackTranscriber, TheNextTranscriberTakesTheFollowingFrames) {
  FakeTranscriber inner;
  FallbackTranscriber transcriber(inner);
  std::vector<std::string> texts, failures;
  TranscriberEvents events{[&](Transcript t) { texts.push_back(t.text); },
                           [&](SpeechFailure f) { failures.push_back(f.ended_reason); }};
  json::object config{
      {"provider", "deepgram"},
      {"fallbackPlan",
       {{"transcribers", json::array{{{"provider", "assembly-ai"}}, {{"provider", "vapi"}}}}}}};
  auto stream = transcriber.open(config, SpeechContext{}, std::move(events));
  const std::vector<std::int16_t> frame(320);
  stream->push(frame, frame);
  ASSERT_EQ(inner.opened.size(), 1u);
  inner.opened.at(0).events.on_transcript({"hello", true});
  inner.opened.at(0).events.on_failure({"pipeline-error-deepgram-transcriber-failed", "closed"});
  EXPECT_TRUE(failures.empty());
  stream->push(frame, frame);
  ASSERT_EQ(inner.opened.size(), 2u);
  EXPECT_TRUE(inner.opened.at(0).closed);
  EXPECT_EQ(inner.opened.at(1).provider, "assembly-ai");
  EXPECT_EQ(inner.opened.at(0).frames, 1);
  EXPECT_EQ(inner.opened.at(1).frames, 1);
  inner.opened.at(1).events.on_transcript({"world", true});
  EXPECT_EQ(texts, (std::vector<std::string>{"hello", "world"}));

  inner.opened.at(1).events.on_failure({"pipeline-error-assembly-ai-transcriber-failed", ""});
  stream->push(frame, frame);
  ASSERT_EQ(inner.opened.size(), 3u);
  inner.opened.at(2).events.on_failure({"pipeline-error-vapi-transcriber-failed", ""});
  EXPECT_EQ(failures, (std::vector<std::string>{"pipeline-error-deepgram-transcriber-failed"}));
  stream->close();
  EXPECT_TRUE(inner.opened.at(2).closed);
}

}  // namespace
}  // namespace sb::speech
