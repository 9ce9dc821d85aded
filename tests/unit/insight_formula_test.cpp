// Insight formulas (domain/analytics/insight_formula): the MathJS subset over query values, and
// how a formula's points are made from the queries' rows (insight_query).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "domain/analytics/insight_query.hpp"

namespace sb::analytics {
namespace {

const std::vector<std::string> kNames{"Calls", "Query 2", "Avg"};

std::optional<double> eval(std::string_view text, std::vector<std::optional<double>> values) {
  return InsightFormula::compile(text, kNames, "formula").evaluate(values);
}

std::string error_of(std::string_view text) {
  try {
    (void)InsightFormula::compile(text, kNames, "formulas.0.formula");
  } catch (const ApiError& e) {
    return e.what();
  }
  return "no error";
}

TEST(InsightFormula, EveryWayOfNamingAQueryReadsItsValue) {
  EXPECT_EQ(eval("{{Calls}}", {7, 2, 3}), 7);
  EXPECT_EQ(eval("{{['Query 2']}}", {7, 2, 3}), 2);
  EXPECT_EQ(eval("{{[\"Query 2\"]}}", {7, 2, 3}), 2);
  EXPECT_EQ(eval("{{ [Query 2] }}", {7, 2, 3}), 2);
  EXPECT_EQ(eval("{{['Query 2']}} / {{Calls}} * 100", {8, 2, 3}), 25);
  const auto f = InsightFormula::compile("{{Avg}} + {{Calls}} * {{Avg}}", kNames, "f");
  EXPECT_EQ(f.queries(), (std::vector<std::size_t>{2, 0}));
}

TEST(InsightFormula, PrecedenceAndAssociativityAreMathJs) {
  EXPECT_EQ(eval("{{Calls}} + 2 * 3", {1}), 7);
  EXPECT_EQ(eval("({{Calls}} + 2) * 3", {1}), 9);
  EXPECT_EQ(eval("{{Calls}} - 2 - 3", {10}), 5);
  EXPECT_EQ(eval("{{Calls}} / 2 / 5", {100}), 10);
  EXPECT_EQ(eval("2 ^ 3 ^ 2 + {{Calls}}", {0}), 512);  // right-associative
  EXPECT_EQ(eval("-{{Calls}} ^ 2", {3}), -9);          // ^ binds tighter than a leading minus
  EXPECT_EQ(eval("{{Calls}} % 3", {-7}), 2);           // modulus takes the divisor's sign
  EXPECT_EQ(eval("1.5e2 + {{Calls}}", {0.5}), 150.5);
}

TEST(InsightFormula, FunctionsAndConstants) {
  EXPECT_EQ(eval("round({{Calls}} / 3, 2)", {10}), 3.33);
  EXPECT_EQ(eval("round({{Calls}})", {2.5}), 3);
  EXPECT_EQ(eval("max({{Calls}}, {{Avg}}, 4)", {1, 0, 9}), 9);
  EXPECT_EQ(eval("min({{Calls}}, {{Avg}})", {1, 0, 9}), 1);
  EXPECT_EQ(eval("abs({{Calls}}) + floor(2.7) + ceil(2.1) + sqrt(16)", {-1}), 10);
  EXPECT_NEAR(eval("log({{Calls}}, 10)", {1000}).value_or(0), 3, 1e-12);
  EXPECT_NEAR(eval("pi * {{Calls}}", {1}).value_or(0), 3.14159265, 1e-6);
  EXPECT_EQ(eval("pow({{Calls}}, 2) + mod(7, 4)", {3}), 12);
}

TEST(InsightFormula, NoValueInOrANonFiniteResultIsNoValue) {
  EXPECT_EQ(eval("{{Calls}} / {{Avg}}", {4, 0, 0}), std::nullopt);
  EXPECT_EQ(eval("{{Calls}} + {{Avg}}", {4, 0, std::nullopt}), std::nullopt);
  EXPECT_EQ(eval("sqrt({{Calls}})", {-4}), std::nullopt);
}

TEST(InsightFormula, MistakesAreRefusedSayingWhereAndWhat) {
  EXPECT_EQ(error_of("{{Minutes}} * 2"),
            "formulas.0.formula: {{Minutes}} is not the name of one of the insight's queries at "
            "character 1");
  EXPECT_EQ(error_of("2 * 3"),
            "formulas.0.formula must refer to at least one query, as {{Query name}} or {{['Query "
            "name']}}");
  EXPECT_EQ(error_of("{{Calls}} *"),
            "formulas.0.formula: the formula ends too early at character 12");
  EXPECT_EQ(error_of("({{Calls}}"), "formulas.0.formula: ')' expected at character 11");
  EXPECT_EQ(error_of("{{Calls}} 2"), "formulas.0.formula: unexpected '2' at character 11");
  EXPECT_EQ(error_of("median({{Calls}})"),
            "formulas.0.formula: unknown function median at character 1");
  EXPECT_EQ(error_of("calls + {{Calls}}"),
            "formulas.0.formula: unknown name calls (a query is written {{Query name}}) at "
            "character 1");
  EXPECT_EQ(error_of("pow({{Calls}})"), "formulas.0.formula: pow takes 2 arguments at character 1");
  EXPECT_EQ(error_of("{{Calls"), "formulas.0.formula: '{{' without its '}}' at character 1");
  EXPECT_EQ(error_of(std::string(100, '(') + "{{Calls}}" + std::string(100, ')')),
            "formulas.0.formula: the formula nests too deeply at character 65");
}

boost::json::array rows(const char* text) {
  return boost::json::parse(text).as_array();
}

InsightPlan plan_of(const char* insight) {
  return plan_insight(boost::json::parse(insight).as_object(), nullptr,
                      *parse_iso8601("2026-01-10T00:00:00Z"));
}

TEST(InsightFormulaPoints, AMissingCountIsZeroAMissingAverageHasNoValue) {
  const auto plan = plan_of(R"({"type":"bar","timeRange":{"start":"2026-01-01T00:00:00Z",
    "end":"2026-01-03T00:00:00Z","step":"day"},
    "queries":[{"table":"call","column":"id","operation":"count","name":"Calls"},
               {"table":"call","column":"duration","operation":"average","name":"Avg"}],
    "formulas":[{"formula":"{{Calls}} * 2","name":"Double"},{"formula":"{{Avg}} + {{Calls}}"}]})");
  const auto results = rows(R"([
    {"name":"Calls","timeRange":{},"result":[{"date":"2026-01-02T00:00:00.000Z","value":3}]},
    {"name":"Avg","timeRange":{},"result":[{"date":"2026-01-01T00:00:00.000Z","value":10},
                                           {"date":"2026-01-02T00:00:00.000Z","value":20}]}])");
  const auto raw = format_insight(plan, results);
  ASSERT_EQ(raw.size(), 4u);
  EXPECT_EQ(
      boost::json::serialize(raw[2]),
      R"({"name":"Double","timeRange":{},"result":[{"date":"2026-01-02T00:00:00.000Z","value":6E0}]})");
  EXPECT_EQ(
      boost::json::serialize(raw[3].at("result")),
      R"([{"date":"2026-01-01T00:00:00.000Z","value":1E1},{"date":"2026-01-02T00:00:00.000Z","value":2.3E1}])");
  EXPECT_EQ(raw[3].at("name"), "Formula 2");
}

TEST(InsightFormulaPoints, RechartsShowsTheFormulasPerGroup) {
  auto plan = plan_of(R"({"type":"pie","groupBy":"assistantId",
    "queries":[{"table":"call","column":"id","operation":"count","name":"All"},
               {"table":"call","column":"id","operation":"count","name":"Long",
                "filters":[{"column":"duration","operator":">","value":60}]}],
    "formulas":[{"formula":"{{Long}} / {{All}} * 100","name":"Share"}]})");
  plan.format = "recharts";
  const auto results = rows(R"([
    {"name":"All","timeRange":{},"result":[{"assistantId":"A","value":4},{"assistantId":null,"value":2}]},
    {"name":"Long","timeRange":{},"result":[{"assistantId":"A","value":1}]}])");
  EXPECT_EQ(boost::json::serialize(format_insight(plan, results)),
            R"([{"name":"A","value":2.5E1},{"name":"none","value":0E0}])");
}

TEST(InsightFormulaPoints, TheInsightsShapeDecidesWhereFormulasGo) {
  const auto error = [](const char* insight) -> std::string {
    try {
      (void)plan_of(insight);
    } catch (const ApiError& e) {
      return e.what();
    }
    return "no error";
  };
  const auto* two = R"("queries":[{"table":"call","column":"id","operation":"count","name":"A"},
                                  {"table":"call","column":"id","operation":"count","name":"B"}])";
  EXPECT_EQ(error((std::string(R"({"type":"text",)") + two + "}").c_str()),
            "a text insight takes a single query (several need a formula)");
  EXPECT_EQ(
      error((std::string(R"({"type":"text","formula":{"formula":"{{A}}/{{B}}"},)") + two + "}")
                .c_str()),
      "no error");
  EXPECT_EQ(
      error((std::string(R"({"type":"bar","formula":{"formula":"{{A}}"},)") + two + "}").c_str()),
      "formula is a text insight's; a bar insight takes formulas");
  EXPECT_EQ(error(R"({"type":"line","formulas":[{"formula":"{{A}}"}],"queries":[
      {"table":"call","column":"id","operation":"count","name":"A"},
      {"table":"call","column":"cost","operation":"sum","name":"A"}]})"),
            "queries named A twice: a formula names each query it reads");
}

}  // namespace
}  // namespace sb::analytics
