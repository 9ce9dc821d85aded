// The judges of eval checkpoints that need no model (exact, regex), the reading of an LLM
// judge's verdict, the model-answered shapes of simulations, and the comparison of extracted
// values.

#include "domain/evals/eval_judge.hpp"

#include <gtest/gtest.h>

#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "domain/evals/eval_run.hpp"
#include "domain/evals/simulation_plan.hpp"
#include "domain/evals/simulation_run.hpp"
#include "domain/evals/simulation_suggestions.hpp"

namespace sb::evals {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

Answer said(std::string text) {
  return {std::move(text), {}};
}

Answer called(std::string_view name, std::string_view arguments) {
  return answer_of(obj(R"({"role":"assistant","tool_calls":[{"id":"c1","type":"function",
    "function":{"name":")" +
                       std::string(name) + R"(","arguments":)" +
                       json::serialize(json::string(arguments)) + "}}]}"));
}

TEST(EvalJudge, ExactIgnoresCaseAndSurroundingSpaceButNotWords) {
  const auto plan = obj(R"({"type":"exact","content":"Hello! How can I help?"})");
  EXPECT_TRUE(judge_exact(plan, said("  hello! how can i HELP?\n")).pass);
  const auto v = judge_exact(plan, said("Hi there"));
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.failure_reason, "Expected exact match: 'Hello! How can I help?' but got: 'Hi there'");
}

TEST(EvalJudge, ExactToolCallsNeedTheSameCallsAndArguments) {
  const auto plan = obj(R"({"type":"exact","content":"","toolCalls":[{"name":"book",
    "arguments":{"date":"2025-01-20"}}]})");
  EXPECT_TRUE(judge_exact(plan, called("book", R"({"date":"2025-01-20"})")).pass);
  EXPECT_FALSE(judge_exact(plan, called("book", R"({"date":"2025-01-21"})")).pass);
  EXPECT_FALSE(judge_exact(plan, called("cancel", R"({"date":"2025-01-20"})")).pass);
  EXPECT_FALSE(judge_exact(plan, said("")).pass);
  // Without arguments in the plan, any arguments do.
  const auto any = obj(R"({"type":"exact","content":"","toolCalls":[{"name":"book"}]})");
  EXPECT_TRUE(judge_exact(any, called("book", R"({"x":1})")).pass);
}

TEST(EvalJudge, RegexFindsAnywhereAndHonoursTheCaseFlag) {
  EXPECT_TRUE(judge_regex(obj(R"({"type":"regex","content":"\\d{1,2}:\\d{2}"})"),
                          said("Booked for 2:30 on Monday"))
                  .pass);
  EXPECT_FALSE(judge_regex(obj(R"({"type":"regex","content":"booking confirmed"})"),
                           said("Booking Confirmed"))
                   .pass);
  EXPECT_TRUE(judge_regex(obj(R"({"type":"regex","content":"(?i)booking confirmed"})"),
                          said("Booking Confirmed"))
                  .pass);
}

TEST(EvalJudge, RegexArgumentsArePatternsAndABadPatternFailsWithItsReason) {
  const auto plan = obj(R"({"type":"regex","content":"","toolCalls":[{"name":"lookup",
    "arguments":{"city":"^Par"}}]})");
  EXPECT_TRUE(judge_regex(plan, called("lookup", R"({"city":"Paris"})")).pass);
  EXPECT_FALSE(judge_regex(plan, called("lookup", R"({"city":"Lyon"})")).pass);
  const auto bad = judge_regex(obj(R"({"type":"regex","content":"(unclosed"})"), said("x"));
  EXPECT_FALSE(bad.pass);
  EXPECT_NE(bad.failure_reason.find("not a valid regular expression"), std::string::npos);
}

TEST(EvalJudge, AnLlmVerdictIsPassOrFailAndNothingElse) {
  EXPECT_TRUE(parse_verdict("pass").pass);
  EXPECT_TRUE(parse_verdict(" PASS.\n").pass);
  EXPECT_TRUE(parse_verdict("\"Pass\"").pass);
  EXPECT_FALSE(parse_verdict("fail").pass);
  EXPECT_EQ(parse_verdict("fail").failure_reason, "The judge answered fail");
  const auto other = parse_verdict("I think it passes");
  EXPECT_FALSE(other.pass);
  EXPECT_EQ(other.failure_reason, "The judge answered 'I think it passes', not pass or fail");
}

TEST(EvalRun, ARequestNamesOneEvalAndOneTarget) {
  EXPECT_THROW(check_run_request(obj(R"({"type":"eval","target":{"type":"assistant",
    "assistantId":"a"}})")),
               ApiError);
  EXPECT_THROW(check_run_request(obj(R"({"type":"eval","evalId":"e","target":{"type":"squad",
    "squadId":"s","squad":{}}})")),
               ApiError);
  EXPECT_NO_THROW(check_run_request(obj(R"({"type":"eval","evalId":"e","target":{"type":"squad",
    "squadId":"s"}})")));
}

TEST(EvalRun, ARunGoesQueuedRunningEndedWithItsResult) {
  auto run = new_run("org", "run", obj(R"({"type":"eval","evalId":"e","target":{}})"), 0);
  EXPECT_EQ(run.at("status"), "queued");
  EXPECT_FALSE(run.contains("endedReason"));
  mark_running(run, 1000);
  EXPECT_EQ(run.at("status"), "running");
  EXPECT_EQ(run.at("startedAt"), "1970-01-01T00:00:01.000Z");
  mark_ended(run, "error", "boom", obj(R"({"status":"fail","messages":[]})"), {}, 2000);
  EXPECT_EQ(run.at("status"), "ended");
  EXPECT_EQ(run.at("endedReason"), "error");
  EXPECT_EQ(run.at("endedMessage"), "boom");
  EXPECT_EQ(run.at("results").at(0).at("endedAt"), "1970-01-01T00:00:02.000Z");
}

TEST(EvalRun, ContinuePlanOverridesWhatTheConversationKeeps) {
  const auto answered = obj(R"({"role":"assistant","content":"mine"})");
  EXPECT_EQ(continued_message(obj(R"({"role":"assistant"})"), answered, "p"), answered);
  const auto kept = continued_message(
      obj(R"({"continuePlan":{"toolCallsOverride":[{"name":"book","arguments":{"a":1}}]}})"),
      answered, "p");
  EXPECT_EQ(kept.at("content"), "mine");
  EXPECT_EQ(kept.at("tool_calls").at(0).at("id"), "p_1");
  EXPECT_EQ(kept.at("tool_calls").at(0).at("function").at("arguments"), R"({"a":1})");
}

TEST(SimulationRun, ExtractedValuesAreReadAgainstTheSchemaAndCompared) {
  std::string error;
  const auto boolean = obj(R"({"type":"boolean"})");
  EXPECT_EQ(read_extracted("true", boolean, "", error), json::value(true));
  EXPECT_EQ(read_extracted("```json\nfalse\n```", boolean, "", error), json::value(false));
  EXPECT_FALSE(read_extracted("\"yes\"", boolean, "", error));
  EXPECT_EQ(error, "The extracted value \"yes\" is not of the schema's type boolean");
  EXPECT_FALSE(read_extracted("You said: x", boolean, "", error));
  EXPECT_EQ(read_extracted("Paris", obj(R"({"type":"string"})"), "", error), json::value("Paris"));
  const auto nested = obj(R"({"type":"object","properties":{"a":{"type":"number"}}})");
  EXPECT_EQ(read_extracted(R"({"a":4})", nested, "a", error), json::value(4));
  EXPECT_TRUE(compare_values(">=", json::value(4), json::value(4.0)));
  EXPECT_FALSE(compare_values(">", json::value(3), json::value(5)));
  EXPECT_TRUE(compare_values("!=", json::value("a"), json::value("b")));
  EXPECT_FALSE(compare_values(">", json::value("b"), json::value("a")));
}

TEST(SimulationRun, IncompleteEntriesAreRefusedVoiceRunsAreNot) {
  EXPECT_NO_THROW(check_simulation_run_request(obj(R"({"simulations":[{"type":"simulation",
    "simulationId":"s"}],"target":{"type":"assistant","assistantId":"a"},
    "transport":{"provider":"vapi.websocket"}})")));
  EXPECT_THROW(check_simulation_run_request(obj(R"({"simulations":[{"type":"simulation",
    "scenarioId":"s"}],"target":{"type":"assistant","assistantId":"a"}})")),
               ApiError);
  EXPECT_THROW(check_simulation_run_request(obj(R"({"simulations":[{"type":"simulation",
    "simulationId":"s"}],"target":{"type":"assistant","assistantId":"a"},"iterations":0})")),
               ApiError);
  EXPECT_NO_THROW(check_simulation_run_request(obj(R"({"simulations":[{"type":"simulationSuite",
    "simulationSuiteId":"s"}],"target":{"type":"assistant","assistantId":"a"},"iterations":3})")));
}

TEST(SimulationPlan, SuitesExpandIntoSimulationsAndEachIntoOneItemPerIteration) {
  const std::map<std::string, json::object> stored{
      {"suite", obj(R"({"id":"suite","simulationIds":["sim1","sim2"]})")},
      {"sim1", obj(R"({"id":"sim1","scenarioId":"sc","personalityId":"pe"})")},
      {"sim2", obj(R"({"id":"sim2","scenarioId":"sc","personalityId":"pe"})")},
      {"sc", obj(R"({"id":"sc","instructions":"x","evaluations":[{"structuredOutputId":"so",
        "comparator":"=","value":true}],"hooks":[]})")},
      {"pe", obj(R"({"id":"pe","assistant":{}})")},
      {"so", obj(R"({"id":"so","name":"booked"})")}};
  std::vector<std::string> loaded;
  const PlanLoad load = [&](PlanKind, std::string_view id) {
    loaded.emplace_back(id);
    const auto it = stored.find(std::string(id));
    if (it == stored.end()) throw ApiError::not_found("none");
    return it->second;
  };
  int ids = 0;
  const PlanContext context{"org", "2026-01-01T00:00:00.000Z", obj(R"({"assistant":{"id":"a"}})"),
                            [&ids] { return "id" + std::to_string(ids++); }};
  const auto plan = plan_simulation_run(
      obj(R"({"simulations":[{"type":"simulationSuite","simulationSuiteId":"suite"},
        {"type":"simulation","scenario":{"name":"inline"},"personalityId":"pe"}],
        "target":{"type":"assistant","assistantId":"a"},"iterations":2,
        "transport":{"provider":"vapi.websocket"}})"),
      context, load);
  ASSERT_EQ(plan.items.size(), 6u);
  EXPECT_EQ(plan.run.at("id"), "id0");
  EXPECT_EQ(plan.run.at("itemCounts").at("queued"), 6);
  EXPECT_EQ(plan.run.at("transport"), obj(R"({"provider":"vapi.websocket"})"));
  const auto& first = plan.items[0].doc;
  EXPECT_EQ(first.at("simulationId"), "sim1");
  EXPECT_EQ(first.at("scenarioId"), "sc");
  EXPECT_EQ(first.at("iterationNumber"), 1);
  EXPECT_EQ(plan.items[1].doc.at("iterationNumber"), 2);
  EXPECT_EQ(first.at("metadata").at("assistant").at("id"), "a");
  EXPECT_EQ(plan.items[0].evaluations.at(0).second.at("name"), "booked");
  const auto& inline_item = plan.items[4].doc;
  EXPECT_FALSE(inline_item.contains("simulationId"));
  EXPECT_FALSE(inline_item.contains("scenarioId"));
  EXPECT_EQ(inline_item.at("personalityId"), "pe");
  EXPECT_TRUE(plan.items[4].evaluations.empty());

  EXPECT_THROW(plan_simulation_run(obj(R"({"simulations":[{"type":"simulation",
    "simulationId":"gone"}],"target":{"type":"assistant","assistantId":"a"}})"),
                                   context, load),
               ApiError);
}

TEST(SimulationPlan, EmptySuitesPlanNothingAndAreRefused) {
  const PlanLoad load = [](PlanKind, std::string_view) {
    return obj(R"({"id":"s","simulationIds":[]})");
  };
  const PlanContext context{"org", "now", {}, [] { return std::string("id"); }};
  try {
    plan_simulation_run(obj(R"({"simulations":[{"type":"simulationSuite","simulationSuiteId":"s"}],
      "target":{"type":"assistant","assistantId":"a"}})"),
                        context, load);
    FAIL() << "planned";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.messages().at(0), "simulations name no simulation to run (their suites are empty)");
  }
}

TEST(SimulationRun, ItemCountsFollowStatuses) {
  const auto items = json::parse(R"([{"status":"passed"},{"status":"failed"},
    {"status":"evaluating"},{"status":"queued"},{"status":"canceled"}])")
                         .as_array();
  EXPECT_EQ(item_counts(items), obj(R"({"total":5,"passed":1,"failed":1,"running":1,"queued":1,
    "canceled":1})"));
}

TEST(SimulationRun, HookMessagesCarryTheIdsAndForAnEndWhatTheActionIncludes) {
  const auto item = obj(R"({"id":"i","runId":"r","iterationNumber":2,"status":"canceled",
    "startedAt":"s","canceledAt":"e","metadata":{"call":{"transcript":"AI: hi\n",
    "messages":[{"role":"assistant","content":"hi"}]}}})");
  EXPECT_EQ(hook_message(item, "simulation.run.started", {}),
            obj(R"({"type":"simulation.run.started","runId":"r","simulationRunItemId":"i",
    "iterationNumber":2,"isSimulation":true})"));
  const auto ended = hook_message(item, "simulation.run.ended", obj(R"({"transcript":true})"));
  EXPECT_EQ(ended.at("canceled"), true);
  EXPECT_EQ(ended.at("startedAt"), "s");
  EXPECT_EQ(ended.at("endedAt"), "e");
  EXPECT_EQ(ended.at("transcript"), "AI: hi\n");
  EXPECT_FALSE(ended.contains("messages"));
}

TEST(SimulationSuggestions, ModelAnswersAreCheckedAgainstTheirShapes) {
  std::string error;
  const auto scenarios = read_scenarios(R"(Here: {"scenarios":[{"name":"Book","instructions":"x",
    "category":"edge_case","reasoning":"y","extra":1}],"coverageNotes":"ok"})",
                                        error);
  ASSERT_TRUE(scenarios) << error;
  EXPECT_EQ(scenarios->at("scenarios").at(0), obj(R"({"name":"Book","instructions":"x",
    "category":"edge_case","reasoning":"y"})"));
  EXPECT_FALSE(read_scenarios(R"({"scenarios":[{"name":"B","instructions":"x",
    "category":"other","reasoning":"y"}],"coverageNotes":"ok"})",
                              error));
  const auto suggestions = read_suggestions(
      R"({"analysis":"a","systemPromptSuggestions":[{"issue":"i","suggestion":"s"}]})", error);
  ASSERT_TRUE(suggestions) << error;
  EXPECT_EQ(suggestions->at("toolSuggestions"), json::array());
  EXPECT_FALSE(read_suggestions("You said: hi", error));
  EXPECT_NE(error.find("not a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace sb::evals
