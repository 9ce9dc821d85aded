// The Analyzer against a model the test answers by hand, on a context the test runs and a
// ManualClock: every part of an analysisPlan, structured outputs and scorecards, what an invalid
// answer leaves out, the bound on a part that never answers, and a missing key.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "runtime/analysis/call_analysis.hpp"
#include "scripted_model.hpp"

namespace sb::analysis {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using chat::testing::ScriptedExchange;
using chat::testing::ScriptedModel;

json::object call() {
  return json::parse(R"({"id": "c1", "endedReason": "customer-ended-call",
    "startedAt": "2026-01-01T10:00:00.000Z", "endedAt": "2026-01-01T10:01:00.000Z",
    "artifact": {"transcript": "AI: Hello\nUser: Book me for Tuesday, I am Ann\n",
      "messages": [{"role": "bot", "message": "Hello"},
                   {"role": "user", "message": "Book me for Tuesday, I am Ann"}]}})")
      .as_object();
}

const json::object kAssistant = json::parse(R"({"model": {"provider": "openai", "model": "gpt-4o"},
  "analysisPlan": {
    "summaryPlan": {"enabled": true},
    "structuredDataPlan": {"enabled": true, "schema": {"type": "object",
      "properties": {"name": {"type": "string"}}, "required": ["name"]}},
    "successEvaluationPlan": {"rubric": "NumericScale"}}})")
                                    .as_object();

const json::object kBooked = json::parse(R"({"id": "so-booked", "name": "Booked",
  "schema": {"type": "boolean"}})")
                                 .as_object();

const json::object kScorecard = json::parse(R"({"id": "sc-1", "name": "QA", "metrics": [
  {"structuredOutputId": "so-booked", "conditions": [
    {"type": "comparator", "comparator": "=", "value": true, "points": 40}]}]})")
                                    .as_object();

chat::ModelAccess access(const chat::ModelSetup&) {
  return {"http://model", "key", 60s};
}

struct CallAnalysis : ::testing::Test {
  ManualClock clock;
  boost::asio::io_context io;
  ScriptedModel model;
  std::optional<CallAnalysisResult> result;

  void run() {
    io.restart();
    io.poll();
  }
  // The exchange whose first message contains `marker`.
  ScriptedExchange& exchange(std::string_view marker) {
    for (auto& e : model.exchanges) {
      const auto& first = e->request.messages.at(0).as_object();
      if (string_at(first, "content").find(marker) != std::string_view::npos) return *e;
    }
    throw std::runtime_error("no exchange with " + std::string(marker));
  }
  CallAnalysisRequest request() {
    CallAnalysisRequest r;
    r.call = call();
    r.assistant = kAssistant;
    r.structured_outputs = {kBooked};
    r.scorecards = {kScorecard};
    r.access = access;
    return r;
  }
};

TEST_F(CallAnalysis, EveryPartIsAskedAndOnlyValidAnswersAreKept) {
  Analyzer analyzer(model, io.get_executor(), clock);
  analyzer.analyse(request(), [&](CallAnalysisResult r) { result = std::move(r); });
  run();
  ASSERT_EQ(model.count(), 4u);
  auto& data = exchange("expert data extractor. You will be given a transcript");
  // OpenAI is asked in its JSON-schema mode.
  ASSERT_TRUE(data.request.response_format);
  EXPECT_EQ(string_at(*data.request.response_format, "type"), "json_schema");
  exchange("note-taker").complete("Ann booked for Tuesday.");
  data.complete(R"({"name": 42})");  // not the schema's shape: left out
  exchange("call evaluator").complete("8");
  exchange("Name: Booked").complete("true");
  run();
  ASSERT_TRUE(result);
  EXPECT_EQ(*result->analysis, json::parse(R"({"summary": "Ann booked for Tuesday.",
    "successEvaluation": "8"})"));
  EXPECT_EQ(result->structured_outputs,
            json::parse(R"({"so-booked": {"name": "Booked", "result": true}})"));
  EXPECT_EQ(result->scorecards.at("sc-1"),
            json::parse(R"({"name": "QA", "score": 40, "scoreNormalized": 100,
              "metricPoints": {"so-booked": 40}})"));
  json::object stored = call();
  apply(stored, *result, 1'700'000'000'000);
  EXPECT_EQ(stored.at("analysis"), json::value(*result->analysis));
  EXPECT_EQ(stored.at("artifact").at("structuredOutputs"), json::value(result->structured_outputs));
  EXPECT_EQ(stored.at("artifact").at("scorecards"), json::value(result->scorecards));
  EXPECT_TRUE(stored.at("artifact").as_object().contains("structuredOutputsLastUpdatedAt"));
}

TEST_F(CallAnalysis, AVerdictOutsideTheRubricIsNotStored) {
  Analyzer analyzer(model, io.get_executor(), clock);
  auto r = request();
  r.structured_outputs.clear();
  analyzer.analyse(std::move(r), [&](CallAnalysisResult x) { result = std::move(x); });
  run();
  exchange("note-taker").complete("Fine.");
  exchange("expert data extractor").complete("```json\n{\"name\": \"Ann\"}\n```");
  exchange("call evaluator").complete("pretty good");
  run();
  ASSERT_TRUE(result);
  EXPECT_EQ(*result->analysis,
            json::parse(R"({"summary": "Fine.", "structuredData": {"name": "Ann"}})"));
}

TEST_F(CallAnalysis, APartThatNeverAnswersIsGivenUpAtItsTimeout) {
  Analyzer analyzer(model, io.get_executor(), clock);
  auto r = request();
  r.assistant["analysisPlan"] = json::parse(
      R"({"summaryPlan": {"timeoutSeconds": 2}, "successEvaluationPlan": {"enabled": false}})");
  r.structured_outputs.clear();
  r.scorecards.clear();
  analyzer.analyse(std::move(r), [&](CallAnalysisResult x) { result = std::move(x); });
  run();
  ASSERT_EQ(model.count(), 1u);
  clock.advance(1999ms);
  run();
  EXPECT_FALSE(result);
  clock.advance(1ms);
  run();
  ASSERT_TRUE(result);
  EXPECT_EQ(*result->analysis, json::object{});
  EXPECT_EQ(model.last().cancels, 1);
  model.last().complete("too late");  // ignored
  run();
}

TEST_F(CallAnalysis, NoKeyOrNoPlanSkipsCleanly) {
  Analyzer analyzer(model, io.get_executor(), clock);
  auto r = request();
  r.access = [](const chat::ModelSetup&) -> chat::ModelAccess {
    throw ApiError::bad_request("No API key for the openai provider");
  };
  analyzer.analyse(std::move(r), [&](CallAnalysisResult x) { result = std::move(x); });
  run();
  EXPECT_EQ(model.count(), 0u);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result->analysis, json::object{});
  EXPECT_TRUE(result->structured_outputs.empty());
  EXPECT_EQ(result->scorecards.at("sc-1").at("score"), 0);

  CallAnalysisRequest none;
  none.call = call();
  none.assistant = json::object{{"model", kAssistant.at("model")}};
  EXPECT_FALSE(wanted(none));
}

TEST_F(CallAnalysis, ExtractSaysWhyThereIsNoValue) {
  Analyzer analyzer(model, io.get_executor(), clock);
  std::optional<Extraction> got;
  analyzer.extract(kBooked, call(), kAssistant, access, {},
                   [&](Extraction e) { got = std::move(e); });
  run();
  model.last().complete("maybe");
  run();
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->result);
  EXPECT_NE(got->error.find("not JSON"), std::string::npos);

  got.reset();
  analyzer.extract(kBooked, call(), kAssistant, access, {},
                   [&](Extraction e) { got = std::move(e); });
  run();
  model.last().complete(R"({"booked": true})");  // a primitive wrapped in an object
  run();
  ASSERT_TRUE(got && got->result);
  EXPECT_EQ(*got->result, json::value(true));

  got.reset();
  auto gated = kBooked;
  gated["conditions"] = json::parse(R"([{"type": "minCallDuration", "seconds": 300}])");
  analyzer.extract(gated, call(), kAssistant, access, {},
                   [&](Extraction e) { got = std::move(e); });
  run();
  ASSERT_TRUE(got && got->skipped);
  EXPECT_EQ(string_at(*got->skipped, "type"), "minCallDuration");
}

}  // namespace
}  // namespace sb::analysis
