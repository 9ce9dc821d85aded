// The built-in engines end to end: flite speaks, pocketsphinx listens. One transcriber with a
// single decoder serves the suite (a decoder takes seconds to load), which also makes the
// decoder's reuse and the bound on waiting observable.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "runtime/speech/builtin_transcriber.hpp"
#include "runtime/speech/builtin_voice.hpp"
#include "runtime/speech/flite_voices.hpp"
#include "runtime/speech/keyword_boost.hpp"

namespace sb::speech {
namespace {

using namespace std::chrono_literals;
using Pcm = std::vector<std::int16_t>;

boost::json::object json_object(std::initializer_list<boost::json::value_ref> init) {
  return boost::json::value(init).as_object();
}

/// What a transcriber stream reported, waited on by the test.
class Transcripts {
 public:
  TranscriberEvents events() {
    return {[this](Transcript t) {
              std::lock_guard lock(mutex_);
              all_.push_back(std::move(t));
              changed_.notify_all();
            },
            [this](SpeechFailure f) {
              std::lock_guard lock(mutex_);
              failures_.push_back(std::move(f));
              changed_.notify_all();
            }};
  }
  /// Waits until `count` finals arrived; they are returned (fewer on timeout).
  std::vector<Transcript> finals(std::size_t count, std::chrono::seconds timeout = 30s) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return finals_locked().size() >= count; });
    return finals_locked();
  }
  std::size_t partials() {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(all_.begin(), all_.end(), [](const Transcript& t) { return !t.is_final; }));
  }
  std::size_t failures() {
    std::lock_guard lock(mutex_);
    return failures_.size();
  }

 private:
  std::vector<Transcript> finals_locked() const {
    std::vector<Transcript> out;
    std::copy_if(all_.begin(), all_.end(), std::back_inserter(out),
                 [](const Transcript& t) { return t.is_final; });
    return out;
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Transcript> all_;
  std::vector<SpeechFailure> failures_;
};

struct Synthesized {
  Pcm pcm;
  std::size_t pieces = 0;
  std::size_t largest_piece = 0;
  bool done = false;
  std::string failure;
};

// A phrase pocketsphinx mishears in flite's slt voice ("... to mr greater please"), the name
// a close alternative in its N-best list.
constexpr const char* kMisheardPhrase = "I would like to speak to Mister Krieger please.";
constexpr const char* kMisheardKeyword = "Krieger";
constexpr const char* kMisheardWord = "krieger";

/// The phrase in slt, the same samples every time: flite's excitation noise draws on rand(), so
/// without a fixed seed the audio (and what pocketsphinx hears) depends on earlier syntheses.
Pcm misheard_phrase() {
  std::srand(1);
  return flite_synthesize(FliteVoice::kSlt, kMisheardPhrase, 1.0).samples;
}

/// One utterance on `decoder`, fed as the transcriber feeds it (some silence either side, in
/// 20 ms frames): the decoder's own result and its N-best list.
struct Decoded {
  std::string best;
  std::vector<Hypothesis> alternatives;
};
Decoded decode(SphinxDecoder& decoder, const Pcm& speech) {
  Pcm audio(kPipelineRate / 5, 0);
  audio.insert(audio.end(), speech.begin(), speech.end());
  audio.resize((audio.size() + kPipelineRate * 3 / 10) / kFrameSamples * kFrameSamples, 0);
  decoder.start();
  for (std::size_t at = 0; at < audio.size(); at += kFrameSamples)
    decoder.process(std::span(audio).subspan(at, kFrameSamples));
  Decoded out;
  out.best = decoder.finish();
  out.alternatives = decoder.alternatives(20);
  return out;
}

class BuiltinSpeech : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pool_ = new SpeechPool(2);
    BuiltinTranscriberOptions options;
    options.decoders = 1;
    transcriber_ = new BuiltinTranscriber(*pool_, options);
    voice_ = new BuiltinVoice(*pool_);
  }
  static void TearDownTestSuite() {
    delete voice_;
    delete transcriber_;
    delete pool_;
  }

  static Synthesized speak(const std::string& text, boost::json::object config = {}) {
    Synthesized out;
    std::promise<void> finished;
    auto synthesis = voice_->synthesize(config, {}, text,
                                        {[&](Pcm pcm) {
                                           ++out.pieces;
                                           out.largest_piece =
                                               std::max(out.largest_piece, pcm.size());
                                           out.pcm.insert(out.pcm.end(), pcm.begin(), pcm.end());
                                         },
                                         [&] {
                                           out.done = true;
                                           finished.set_value();
                                         },
                                         [&](SpeechFailure f) {
                                           out.failure = f.message;
                                           finished.set_value();
                                         }});
    EXPECT_EQ(finished.get_future().wait_for(30s), std::future_status::ready);
    return out;
  }

  /// Pushes `pcm` then `silence` of quiet, in 20 ms frames, as fast as the stream takes them.
  static void feed(TranscriberStream& stream, const Pcm& pcm,
                   std::chrono::milliseconds silence = 1000ms) {
    Pcm audio = pcm;
    audio.resize(audio.size() + static_cast<std::size_t>(silence.count()) * 16, 0);
    audio.resize((audio.size() + kFrameSamples - 1) / kFrameSamples * kFrameSamples, 0);
    const Pcm quiet(kFrameSamples, 0);
    for (std::size_t at = 0; at < audio.size(); at += kFrameSamples) {
      stream.push(std::span(audio).subspan(at, kFrameSamples), quiet);
    }
  }

  static bool contains(const std::string& text, const std::string& word) {
    return text.find(word) != std::string::npos;
  }

  /// Waits until the decoder is back on the shelf (it returns after the last queued task).
  static bool decoder_returns(const BuiltinTranscriber& transcriber = *transcriber_) {
    for (int i = 0; i < 3000 && transcriber.decoders().available() == 0; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    return transcriber.decoders().available() == 1;
  }

  static SpeechPool* pool_;
  static BuiltinTranscriber* transcriber_;
  static BuiltinVoice* voice_;
};

SpeechPool* BuiltinSpeech::pool_ = nullptr;
BuiltinTranscriber* BuiltinSpeech::transcriber_ = nullptr;
BuiltinVoice* BuiltinSpeech::voice_ = nullptr;

TEST_F(BuiltinSpeech, VoiceSpeaksIn16kHzPiecesOfAtMost200ms) {
  const auto hello = speak("Hello world. What is the weather today?");
  ASSERT_TRUE(hello.done) << hello.failure;
  EXPECT_GT(hello.pcm.size(), static_cast<std::size_t>(kPipelineRate));  // over a second
  EXPECT_LE(hello.largest_piece, static_cast<std::size_t>(kPipelineRate / 5));
  EXPECT_GE(hello.pieces, 5u);
}

TEST_F(BuiltinSpeech, SpeedShortensTheAudio) {
  const std::string text = "Thank you for calling, how can I help you today?";
  const auto normal = speak(text, json_object({{"voiceId", "Clara"}}));
  const auto fast = speak(text, json_object({{"voiceId", "Clara"}, {"speed", 2}}));
  ASSERT_TRUE(normal.done && fast.done);
  const double ratio =
      static_cast<double>(fast.pcm.size()) / static_cast<double>(normal.pcm.size());
  EXPECT_GT(ratio, 0.35);
  EXPECT_LT(ratio, 0.7);
}

TEST_F(BuiltinSpeech, VoiceIdsMapByGender) {
  EXPECT_EQ(flite_voice_for("Clara"), FliteVoice::kSlt);
  EXPECT_EQ(flite_voice_for("savannah"), FliteVoice::kSlt);
  EXPECT_EQ(flite_voice_for("Elliot"), FliteVoice::kRms);
  EXPECT_NE(flite_voice_for("Rohan"), FliteVoice::kSlt);
  EXPECT_EQ(flite_voice_for("a-cloned-voice-id"), FliteVoice::kRms);
}

TEST_F(BuiltinSpeech, SentencesAreSplitAtTheirEnds) {
  EXPECT_EQ(split_sentences("Hi there. It costs $3.50! Really?\nYes"),
            (std::vector<std::string>{"Hi there.", "It costs $3.50!", "Really?", "Yes"}));
  EXPECT_TRUE(split_sentences("  \n ").empty());
}

TEST_F(BuiltinSpeech, CancelStopsTheEvents) {
  std::atomic<bool> cancelled = false;
  std::atomic<int> late_events = 0;
  std::promise<void> first_audio;
  std::atomic<bool> first = true;
  auto synthesis = voice_->synthesize(
      {}, {}, "This is a long answer. It has several sentences. Each one takes a while. The end.",
      {[&](Pcm) {
         if (cancelled) ++late_events;
         if (first.exchange(false)) first_audio.set_value();
       },
       [&] {
         if (cancelled) ++late_events;
       },
       [&](SpeechFailure) {
         if (cancelled) ++late_events;
       }});
  ASSERT_EQ(first_audio.get_future().wait_for(30s), std::future_status::ready);
  synthesis->cancel();
  cancelled = true;
  std::this_thread::sleep_for(300ms);  // time for the job to (not) deliver more
  EXPECT_EQ(late_events.load(), 0);
  synthesis->cancel();  // idempotent
}

TEST_F(BuiltinSpeech, TranscriberHearsTheVoice) {
  const auto speech = speak("What is the weather today?", json_object({{"voiceId", "Elliot"}}));
  ASSERT_TRUE(speech.done);
  Transcripts transcripts;
  auto stream = transcriber_->open({}, {}, transcripts.events());
  feed(*stream, speech.pcm);
  const auto finals = transcripts.finals(1);
  ASSERT_EQ(finals.size(), 1u);
  // pocketsphinx with a synthetic voice mishears some words ("weather" as "delivered"): two
  // robust ones are enough to show it listened.
  EXPECT_TRUE(contains(finals[0].text, "what") || contains(finals[0].text, "today"))
      << finals[0].text;
  EXPECT_TRUE(finals[0].end_of_turn);
  EXPECT_EQ(transcripts.failures(), 0u);
}

TEST_F(BuiltinSpeech, TheDecoderIsReusedUtteranceAfterUtterance) {
  const auto hello = speak("Hello world.", json_object({{"voiceId", "Kai"}}));
  const auto weather =
      speak("What is the weather today in New York?", json_object({{"voiceId", "Clara"}}));
  Transcripts transcripts;
  auto stream = transcriber_->open({}, {}, transcripts.events());
  // Frames go faster than real time here, so each utterance waits until the decoder is back
  // (in a call, 300 ms of silence pass before the next utterance can start).
  for (const auto* pcm : {&hello.pcm, &weather.pcm, &hello.pcm}) {
    feed(*stream, *pcm);
    ASSERT_TRUE(decoder_returns());
  }
  const auto finals = transcripts.finals(3);
  ASSERT_EQ(finals.size(), 3u);  // one decoder served all three
  EXPECT_TRUE(contains(finals[0].text, "hello") || contains(finals[0].text, "world"))
      << finals[0].text;
  EXPECT_TRUE(contains(finals[1].text, "weather") || contains(finals[1].text, "york"))
      << finals[1].text;
  EXPECT_GE(transcripts.partials(), 1u) << "the longer sentence reports partials";
  EXPECT_TRUE(decoder_returns());
}

TEST_F(BuiltinSpeech, SpeechWaitsForADecoderAtMostTwoSecondsThenIsDropped) {
  const auto speech = speak("What is the weather today? I would like to book a table for two.");
  ASSERT_GT(speech.pcm.size(), static_cast<std::size_t>(2 * kPipelineRate));
  Transcripts holder_transcripts, waiter_transcripts;
  auto holder = transcriber_->open({}, {}, holder_transcripts.events());
  // The holder starts speaking (its first half second) and takes the only decoder.
  feed(*holder, Pcm(speech.pcm.begin(), speech.pcm.begin() + kPipelineRate / 2), 0ms);
  ASSERT_EQ(transcriber_->decoders().available(), 0u);

  const auto dropped_before = transcriber_->stats().dropped_utterances;
  auto waiter = transcriber_->open({}, {}, waiter_transcripts.events());
  feed(*waiter, speech.pcm);  // over 2 s of speech with no decoder free
  EXPECT_GE(transcriber_->stats().dropped_utterances, dropped_before + 1);

  holder->close();  // gives the decoder back, and reports nothing more
  ASSERT_TRUE(decoder_returns());
  feed(*waiter, speech.pcm);  // now it has one
  const auto finals = waiter_transcripts.finals(1);
  ASSERT_EQ(finals.size(), 1u);
  // What is checked is that the phrase is transcribed once a decoder is free; pocketsphinx's
  // words vary with the decoder's state ("watch what are today but i would like..."), so any
  // of the phrase's robust words will do.
  const auto& text = finals[0].text;
  EXPECT_TRUE(contains(text, "weather") || contains(text, "table") || contains(text, "today") ||
              contains(text, "like"))
      << text;
  EXPECT_TRUE(holder_transcripts.finals(0, 0s).empty());
}

TEST_F(BuiltinSpeech, OnlyEnglishIsAccepted) {
  EXPECT_NO_THROW(transcriber_->check({}));
  EXPECT_NO_THROW(transcriber_->check(json_object({{"language", "en"}})));
  EXPECT_NO_THROW(transcriber_->check(json_object({{"language", "en-US"}})));
  EXPECT_NO_THROW(voice_->check(json_object({{"language", "auto"}})));
  EXPECT_NO_THROW(voice_->check(json_object({{"language", "en-GB"}})));
  try {
    transcriber_->check(json_object({{"provider", "vapi"}, {"language", "de"}}));
    FAIL() << "German accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("\"de\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("English only"), std::string::npos) << e.what();
  }
  EXPECT_THROW(transcriber_->check(json_object({{"languages", {"en", "fr"}}})), ApiError);
  try {
    voice_->check(json_object({{"voiceId", "Elliot"}, {"language", "fr-FR"}}));
    FAIL() << "French accepted";
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("voice.language \"fr-FR\""), std::string::npos)
        << e.what();
  }
}

TEST_F(BuiltinSpeech, KeywordsFromTheConfigBiasTheFinalTranscript) {
  // A decoder of its own: what pocketsphinx hears depends on what its decoder heard before.
  BuiltinTranscriberOptions options;
  options.decoders = 1;
  BuiltinTranscriber transcriber(*pool_, options);
  const auto speech = misheard_phrase();
  Transcripts plain, biased;
  auto plain_stream = transcriber.open({}, {}, plain.events());
  feed(*plain_stream, speech);
  ASSERT_TRUE(decoder_returns(transcriber));
  auto stream = transcriber.open(
      json_object({{"keywords", {kMisheardKeyword, "Snuffleupagus:5", "albuquerque:3"}}}), {},
      biased.events());
  feed(*stream, speech);
  const auto without = plain.finals(1);
  const auto with = biased.finals(1);
  ASSERT_EQ(without.size(), 1u);
  ASSERT_EQ(with.size(), 1u);
  EXPECT_FALSE(contains(without[0].text, kMisheardWord)) << without[0].text;
  // Written as the assistant spelt it (the decoder writes lower case); the keyword missing from
  // the dictionary (Snuffleupagus) and the one not said change nothing else.
  EXPECT_EQ(with[0].text, "i would like to speak to mr Krieger please");
  EXPECT_TRUE(decoder_returns(transcriber));
}

TEST(BuiltinKeywords, AKeywordTurnsAMisheardWordIntoIt) {
  SphinxDecoder decoder(kDefaultSphinxModel);
  const auto heard = decode(decoder, misheard_phrase());
  auto keywords = [](const char* keyword) {
    return parse_keywords(boost::json::value({{"keywords", {keyword}}}).as_object());
  };
  EXPECT_EQ(heard.best.find(kMisheardWord), std::string::npos) << heard.best;
  EXPECT_NE(choose_transcript(heard.best, heard.alternatives, keywords(kMisheardKeyword))
                .find(kMisheardKeyword),
            std::string::npos);
  // A keyword not said leaves the decoder's choice as it was.
  EXPECT_EQ(choose_transcript(heard.best, heard.alternatives, keywords("albuquerque:5")),
            heard.best);
}

TEST(BuiltinTranscriberModel, ABackgroundLoadIsReportedUntilItEnds) {
  // While loading() is true, the first speech of a call waits up to 10 s for a decoder
  // instead of 2 s (loading takes longer than that on a busy machine).
  DecoderPool pool(kDefaultSphinxModel, 1, 1, DecoderPool::Loading::kOnFirstUse);
  EXPECT_FALSE(pool.loading());
  pool.start_loading();
  EXPECT_TRUE(pool.loading());
  for (int i = 0; i < 3000 && pool.loading(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(pool.loading());
  EXPECT_EQ(pool.available(), 1u);
}

TEST(BuiltinTranscriberModel, AMissingModelIsAClearStartupError) {
  SpeechPool pool(1);
  BuiltinTranscriberOptions options;
  options.model_dir = "/nonexistent/model";
  try {
    BuiltinTranscriber transcriber(pool, options);
    FAIL() << "loaded a missing model";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model/en-us"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace sb::speech
