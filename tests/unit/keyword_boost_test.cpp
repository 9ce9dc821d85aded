// The built-in transcriber's keywords: Vapi's `word:boost` format and the N-best re-ranking rule.

#include <gtest/gtest.h>

#include "runtime/speech/keyword_boost.hpp"

namespace sb::speech {
namespace {

std::vector<Keyword> keywords(std::initializer_list<boost::json::value_ref> items) {
  boost::json::object config;
  config["keywords"] = boost::json::value(items);
  return parse_keywords(config);
}

// pocketsphinx's N-best for "please call doctor Krieger tomorrow" in flite's rms voice.
const std::vector<Hypothesis> kKrieger = {
    {"please call doctor creature tomorrow", -31768},
    {"please call doctor krieger tomorrow", -31871},
    {"please call dr creature tomorrow", -32037},
    {"please call dr krieger tomorrow", -32140},
};
const std::string kHeard = "please call doctor creature tomorrow";

TEST(KeywordBoost, ParsesWordsAndIntensifiers) {
  const auto parsed = keywords({"Snuffleupagus:5", "krieger", "kansas:-10", "acme:+2", "New York",
                                "ignored:0", "", 42, "odd:colon", "huge:99999999999999999999"});
  ASSERT_EQ(parsed.size(), 7u);
  EXPECT_EQ(parsed[0].words, std::vector<std::string>{"snuffleupagus"});
  EXPECT_EQ(parsed[0].spelling, "Snuffleupagus");
  EXPECT_EQ(parsed[0].boost, 5);
  EXPECT_EQ(parsed[1].boost, kDefaultKeywordBoost);
  EXPECT_EQ(parsed[2].boost, -10);
  EXPECT_EQ(parsed[3].boost, 2);
  EXPECT_EQ(parsed[4].words, (std::vector<std::string>{"new", "york"}));
  EXPECT_EQ(parsed[4].spelling, "New York");
  EXPECT_EQ(parsed[5].words, std::vector<std::string>{"odd:colon"});  // no integer: all word
  EXPECT_EQ(parsed[6].boost, kMaxKeywordBoost);
  EXPECT_TRUE(parse_keywords({}).empty());
}

TEST(KeywordBoost, AKeywordLiftsTheAlternativeThatHasIt) {
  EXPECT_EQ(choose_transcript(kHeard, kKrieger, keywords({"Krieger"})),
            "please call doctor Krieger tomorrow");
}

TEST(KeywordBoost, WithoutAMatchingKeywordTheDecodersChoiceStands) {
  EXPECT_EQ(choose_transcript(kHeard, kKrieger, {}), kHeard);
  EXPECT_EQ(choose_transcript(kHeard, kKrieger, keywords({"boston:5"})), kHeard);
  // The search may list a worse reading first and score the decoder's own choice lower: that
  // choice still counts as the best score, so only a keyword moves the result.
  const std::vector<Hypothesis> reordered = {{"order pizza from dominos", -34939},
                                             {"order a pizza from dominos", -34462}};
  EXPECT_EQ(choose_transcript("order a pizza from dominoes", reordered, keywords({"acme"})),
            "order a pizza from dominoes");
}

TEST(KeywordBoost, AFarAlternativeNeedsAStrongerBoost) {
  const std::vector<Hypothesis> far = {{"my encounters with acne", -30042},
                                       {"my encounters with acme", -30350}};
  EXPECT_EQ(choose_transcript(far[0].text, far, keywords({"acme"})), far[0].text);
  EXPECT_EQ(choose_transcript(far[0].text, far, keywords({"acme:3"})), "my encounters with acme");
}

TEST(KeywordBoost, ANegativeBoostSuppressesAWord) {
  EXPECT_EQ(choose_transcript(kHeard, kKrieger, keywords({"creature:-1"})),
            "please call doctor krieger tomorrow");
}

TEST(KeywordBoost, NothingHeardStaysNothing) {
  EXPECT_EQ(choose_transcript("", kKrieger, keywords({"krieger:20"})), "");
}

TEST(KeywordBoost, PhrasesCountInOrder) {
  const std::vector<Hypothesis> york = {{"i live in new work", -100}, {"i live in new york", -200}};
  EXPECT_EQ(choose_transcript(york[0].text, york, keywords({"New York"})), "i live in New York");
  EXPECT_EQ(choose_transcript(york[0].text, york, keywords({"york new"})), york[0].text);
}

TEST(KeywordBoost, UnknownKeywordsAreDroppedAndNamed) {
  auto parsed = keywords({"Krieger", "Snuffleupagus:5", "new york"});
  const auto unknown = drop_unknown_keywords(
      parsed, [](const std::string& word) { return word != "snuffleupagus"; });
  EXPECT_EQ(unknown, std::vector<std::string>{"Snuffleupagus"});
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[1].spelling, "new york");
}

}  // namespace
}  // namespace sb::speech
