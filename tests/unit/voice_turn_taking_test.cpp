#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "runtime/voice/chunker.hpp"
#include "runtime/voice/turn_taking.hpp"

namespace sb::voice {
namespace {

using std::chrono::milliseconds;

boost::json::object parse(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(VoiceEndpointing, DefaultsFollowTheDocumentedPlan) {
  const auto plan = StartSpeakingPlan::of({});
  EXPECT_EQ(plan.wait, milliseconds(400));
  EXPECT_EQ(endpoint_wait(plan, "I need a table for two.", false), milliseconds(100));
  EXPECT_EQ(endpoint_wait(plan, "my number is 4155", false), milliseconds(500));
  EXPECT_EQ(endpoint_wait(plan, "and then i", false), milliseconds(1500));
  EXPECT_EQ(endpoint_wait(plan, "Really?  ", false), milliseconds(100));
}

TEST(VoiceEndpointing, TranscriberEndOfTurnNeedsNoWait) {
  const auto plan = StartSpeakingPlan::of({});
  EXPECT_EQ(endpoint_wait(plan, "and then i", true), milliseconds(0));
}

TEST(VoiceEndpointing, CustomRulesComeFirstInOrder) {
  const auto plan =
      StartSpeakingPlan::of(parse(R"({"startSpeakingPlan": {"customEndpointingRules": [
      {"type": "assistant", "regex": "account number", "regexOptions": [{"type": "ignore-case", "enabled": true}],
       "timeoutSeconds": 3},
      {"type": "customer", "regex": "\\d{3}$", "timeoutSeconds": 2.5},
      {"type": "both", "assistantRegex": "interested", "customerRegex": "^(yes|no)\\b",
       "timeoutSeconds": 0.2},
      {"type": "customer", "regex": "(unclosed", "timeoutSeconds": 9},
      {"type": "customer", "regex": "is", "regexOptions": [{"type": "whole-word", "enabled": true}],
       "timeoutSeconds": 4}]}})"));
  EXPECT_EQ(endpoint_wait(plan, "it is 4155.", false, "What is your Account Number?"),
            milliseconds(3000));
  EXPECT_EQ(endpoint_wait(plan, "my number is 415", true, "Hi."), milliseconds(2500))
      << "a matching rule overrides the transcriber's own end of turn";
  EXPECT_EQ(endpoint_wait(plan, "yes please", false, "Are you interested?"), milliseconds(200));
  EXPECT_EQ(endpoint_wait(plan, "yes please", false, "Hi."), milliseconds(1500))
      << "both must match";
  EXPECT_EQ(endpoint_wait(plan, "this one.", false, ""), milliseconds(100))
      << "'is' inside 'this' is not the whole word; the invalid regex is left out";
  EXPECT_EQ(endpoint_wait(plan, "it is", false, ""), milliseconds(4000));
}

TEST(VoiceEndpointing, ReadsTheAssistantsPlan) {
  const auto plan = StartSpeakingPlan::of(parse(R"({"startSpeakingPlan": {"waitSeconds": 0.8,
      "transcriptionEndpointingPlan": {"onPunctuationSeconds": 0.25, "onNoPunctuationSeconds": 2,
      "onNumberSeconds": 0}}})"));
  EXPECT_EQ(plan.wait, milliseconds(800));
  EXPECT_EQ(endpoint_wait(plan, "done.", false), milliseconds(250));
  EXPECT_EQ(endpoint_wait(plan, "done", false), milliseconds(2000));
  EXPECT_EQ(endpoint_wait(plan, "room 12", false), milliseconds(0));
}

TEST(VoiceBargeIn, VoiceAloneInterruptsAfterVoiceSecondsWhenNumWordsIsZero) {
  const auto plan = StopSpeakingPlan::of({});
  EXPECT_EQ(barge_in(plan, milliseconds(180), ""), BargeIn::kNone);
  EXPECT_EQ(barge_in(plan, milliseconds(200), ""), BargeIn::kInterrupt);
}

TEST(VoiceBargeIn, AcknowledgementsNeverInterrupt) {
  const auto plan = StopSpeakingPlan::of({});
  EXPECT_EQ(barge_in(plan, milliseconds(900), "Okay."), BargeIn::kNone);
  EXPECT_EQ(barge_in(plan, milliseconds(900), "yeah okay, right"), BargeIn::kNone);
  EXPECT_EQ(barge_in(plan, milliseconds(900), "okay but what about"), BargeIn::kInterrupt);
}

TEST(VoiceBargeIn, InterruptionPhrasesInterruptAtOnce) {
  const auto plan = StopSpeakingPlan::of(parse(R"({"stopSpeakingPlan": {"numWords": 5}})"));
  EXPECT_EQ(barge_in(plan, milliseconds(0), "Wait!"), BargeIn::kInterrupt);
  EXPECT_EQ(barge_in(plan, milliseconds(0), "I don't think so"), BargeIn::kInterrupt);
  // Whole words only: "stopping" is not "stop".
  EXPECT_EQ(barge_in(plan, milliseconds(0), "stopping"), BargeIn::kNone);
}

TEST(VoiceBargeIn, NumWordsCountsTheTranscriptsWords) {
  const auto plan = StopSpeakingPlan::of(parse(
      R"({"stopSpeakingPlan": {"numWords": 3, "interruptionPhrases": [], "voiceSeconds": 0.1}})"));
  EXPECT_EQ(barge_in(plan, milliseconds(2000), "what time"), BargeIn::kNone);
  EXPECT_EQ(barge_in(plan, milliseconds(2000), "what time is"), BargeIn::kInterrupt);
  EXPECT_EQ(plan.voice, milliseconds(100));
}

TEST(VoiceBargeIn, ExplicitEmptyListsReplaceTheDefaults) {
  const auto plan = StopSpeakingPlan::of(
      parse(R"({"stopSpeakingPlan": {"acknowledgementPhrases": [], "interruptionPhrases": []}})"));
  EXPECT_TRUE(plan.acknowledgements.empty());
  EXPECT_EQ(barge_in(plan, milliseconds(300), "okay"), BargeIn::kInterrupt);
}

TEST(VoicePhrases, NormalizesLikeTheDefaultLists) {
  EXPECT_EQ(normalize_words("  I'm   listening, OK?"), "im listening ok");
  EXPECT_EQ(normalize_words("Uh-huh."), "uh-huh");
  EXPECT_TRUE(contains_phrase("well goodbye then", "goodbye"));
  EXPECT_FALSE(contains_phrase("goodbyes", "goodbye"));
}

TEST(VoiceChunker, CutsAtBoundariesOnceLongEnough) {
  Chunker chunker(ChunkPlan::of({}));
  std::vector<std::string> all;
  for (const auto* delta :
       {"Hi. ", "Thanks for calling the clinic", ". How can I ", "help you today? ", "Bye"}) {
    for (auto& c : chunker.push(delta)) all.push_back(std::move(c));
  }
  all.push_back(chunker.flush());
  // "How can I help you today?" is under 30 characters: it waits for more.
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], "Hi. Thanks for calling the clinic.");
  EXPECT_EQ(all[1], "How can I help you today? Bye");
}

TEST(VoiceChunker, ADecimalPointIsNotABoundary) {
  Chunker chunker(ChunkPlan::of(parse(R"({"chunkPlan": {"minCharacters": 5}})")));
  EXPECT_TRUE(chunker.push("It costs 3.").empty());
  const auto chunks = chunker.push("5 dollars. And");
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0], "It costs 3.5 dollars.");
  EXPECT_EQ(chunker.flush(), "And");
}

TEST(VoiceChunker, DisabledSaysItAllAtTheEnd) {
  Chunker chunker(ChunkPlan::of(parse(R"({"chunkPlan": {"enabled": false}})")));
  EXPECT_TRUE(chunker.push("One sentence that is long enough. Another one.").empty());
  EXPECT_EQ(chunker.flush(), "One sentence that is long enough. Another one.");
}

TEST(VoiceChunker, OwnBoundaries) {
  Chunker chunker(ChunkPlan::of(
      parse(R"({"chunkPlan": {"minCharacters": 1, "punctuationBoundaries": ["!"]}})")));
  const auto chunks = chunker.push("Yes. Sure! Then");
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0], "Yes. Sure!");
}

}  // namespace
}  // namespace sb::voice
