// A scorecard's score from a call's structured outputs (observability/scorecard-quickstart).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/scorecards/scorecard_score.hpp"

namespace sb::scorecards {
namespace {
namespace json = boost::json;

const json::object kScorecard = json::parse(R"({"name": "Support QA", "metrics": [
  {"structuredOutputId": "booked", "conditions": [
    {"type": "comparator", "comparator": "=", "value": true, "points": 70}]},
  {"structuredOutputId": "csat", "conditions": [
    {"type": "comparator", "comparator": ">=", "value": 8, "points": 20},
    {"type": "comparator", "comparator": ">=", "value": 5, "points": 10}]}]})")
                                    .as_object();

json::object outputs(json::value booked, json::value csat) {
  return {{"booked", json::object{{"name", "Booked"}, {"result", booked}}},
          {"csat", json::object{{"name", "CSAT"}, {"result", csat}}}};
}

TEST(ScorecardScore, MetConditionsAddTheirPoints) {
  EXPECT_EQ(score(kScorecard, outputs(true, 9)),
            json::parse(R"({"name": "Support QA", "score": 100, "scoreNormalized": 100,
              "metricPoints": {"booked": 70, "csat": 30}})"));
  EXPECT_EQ(score(kScorecard, outputs(false, 6)),
            json::parse(R"({"name": "Support QA", "score": 10, "scoreNormalized": 10,
              "metricPoints": {"booked": 0, "csat": 10}})"));
}

TEST(ScorecardScore, TheNormalizedScoreIsRoundedUpOverTheMaximum) {
  const auto card = json::parse(R"({"metrics": [{"structuredOutputId": "x", "conditions": [
    {"type": "comparator", "comparator": "<", "value": 3, "points": 1},
    {"type": "comparator", "comparator": "!=", "value": 0, "points": 2}]}]})")
                        .as_object();
  const json::object out{{"x", json::object{{"result", 1}}}};
  // 3 of 3 points.
  EXPECT_EQ(score(card, out).at("scoreNormalized"), 100);
  const json::object zero{{"x", json::object{{"result", 0}}}};
  EXPECT_EQ(score(card, zero).at("score"), 1);             // 0 < 3 only
  EXPECT_EQ(score(card, zero).at("scoreNormalized"), 34);  // ceil(33.3)
}

TEST(ScorecardScore, MissingOrMistypedResultsMeetNothing) {
  EXPECT_EQ(score(kScorecard, {}).at("score"), 0);
  EXPECT_EQ(score(kScorecard, outputs("true", "9")).at("score"), 0);
  EXPECT_EQ(score(kScorecard, outputs(nullptr, 1)).at("metricPoints"),
            json::parse(R"({"booked": 0, "csat": 0})"));
  EXPECT_EQ(score(json::object{}, {}).at("scoreNormalized"), 0);
}

}  // namespace
}  // namespace sb::scorecards
