// Post-call analysis' pure rules: the prompts each part sends (defaults, custom messages,
// variables), how rubric verdicts and JSON answers are read, the conditions that gate a
// structured output, regex outputs, and a JSON Schema checked by the contract's engine.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "contract/json_schema.hpp"
#include "core/json_fields.hpp"
#include "runtime/analysis/analysis_prompts.hpp"

namespace sb::analysis {
namespace {
namespace json = boost::json;

json::object ended_call(int turns = 2) {
  json::array messages;
  std::string transcript;
  for (int i = 0; i < turns; ++i) {
    messages.push_back(
        json::object{{"role", i % 2 ? "user" : "bot"}, {"message", "m" + std::to_string(i)}});
    transcript += (i % 2 ? "User: m" : "AI: m") + std::to_string(i) + "\n";
  }
  return {{"id", "c1"},
          {"endedReason", "customer-ended-call"},
          {"startedAt", "2026-01-01T10:00:00.000Z"},
          {"endedAt", "2026-01-01T10:01:30.000Z"},
          {"artifact", json::object{{"messages", messages}, {"transcript", transcript}}}};
}

const json::object kAssistant = json::parse(R"({"model": {"provider": "openai", "model": "gpt-4o",
  "messages": [{"role": "system", "content": "You book dentist appointments."}]}})")
                                    .as_object();

std::string content(const json::array& messages, std::size_t i) {
  return std::string(string_at(messages.at(i).as_object(), "content"));
}

TEST(AnalysisPrompts, FactsComeFromTheCallAndItsAssistant) {
  const auto facts = facts_of(ended_call(3), kAssistant);
  EXPECT_EQ(facts.transcript, "AI: m0\nUser: m1\nAI: m2\n");
  EXPECT_EQ(facts.system_prompt, "You book dentist appointments.");
  EXPECT_EQ(facts.ended_reason, "customer-ended-call");
  EXPECT_EQ(facts.message_count, 3u);
  EXPECT_TRUE(facts.has_times);
  EXPECT_DOUBLE_EQ(facts.duration_seconds, 90.0);
}

TEST(AnalysisPrompts, TheSummaryDefaultsCarryTheTranscriptAndEndedReason) {
  const auto messages = plan_messages(nullptr, Part::kSummary, facts_of(ended_call(), kAssistant));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(content(messages, 0).find("expert note-taker"), std::string::npos);
  EXPECT_NE(content(messages, 1).find("AI: m0\nUser: m1\n"), std::string::npos);
  EXPECT_NE(content(messages, 1).find("customer-ended-call"), std::string::npos);
  EXPECT_EQ(content(messages, 1).find("{{"), std::string::npos);
}

TEST(AnalysisPrompts, CustomMessagesReplaceTheDefaultsAndAreTemplated) {
  const auto plan = json::parse(R"({"messages": [{"role": "system",
    "content": "Summarise for {{systemPrompt}} ({{endedReason}}): {{transcript}}"}]})")
                        .as_object();
  const auto messages = plan_messages(&plan, Part::kSummary, facts_of(ended_call(), kAssistant));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(
      content(messages, 0),
      "Summarise for You book dentist appointments. (customer-ended-call): AI: m0\nUser: m1\n");
}

TEST(AnalysisPrompts, StructuredDataShowsTheSchemaAndSuccessEvaluationTheRubric) {
  const auto data =
      json::parse(R"({"schema": {"type": "object", "properties": {"name": {"type": "string"}}}})")
          .as_object();
  auto messages = plan_messages(&data, Part::kStructuredData, facts_of(ended_call(), kAssistant));
  EXPECT_NE(content(messages, 0).find(R"("name":{"type":"string"})"), std::string::npos);
  const auto success = json::parse(R"({"rubric": "NumericScale"})").as_object();
  messages = plan_messages(&success, Part::kSuccessEvaluation, facts_of(ended_call(), kAssistant));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_NE(content(messages, 0).find("from 1 to 10"), std::string::npos);
  EXPECT_NE(content(messages, 2).find("You book dentist appointments."), std::string::npos);
  EXPECT_EQ(rubric_of(nullptr), "PassFail");
}

TEST(AnalysisPrompts, EveryRubricIsDescribed) {
  for (auto rubric : {"NumericScale", "DescriptiveScale", "Checklist", "Matrix", "PercentageScale",
                      "LikertScale", "AutomaticRubric", "PassFail"})
    EXPECT_FALSE(rubric_text(rubric).empty()) << rubric;
  EXPECT_TRUE(rubric_text("Vibes").empty());
}

TEST(AnalysisPrompts, VerdictsAreReadUnderTheirRubric) {
  EXPECT_EQ(success_evaluation("PassFail", " true\n"), "true");
  EXPECT_EQ(success_evaluation("PassFail", "\"False\"."), "false");
  EXPECT_EQ(success_evaluation("PassFail", "Pass"), "true");
  EXPECT_EQ(success_evaluation("PassFail", "it went well"), std::nullopt);
  EXPECT_EQ(success_evaluation("NumericScale", "8"), "8");
  EXPECT_EQ(success_evaluation("NumericScale", "7/10"), "7");
  EXPECT_EQ(success_evaluation("NumericScale", "11"), std::nullopt);
  EXPECT_EQ(success_evaluation("NumericScale", "7.5"), std::nullopt);
  EXPECT_EQ(success_evaluation("PercentageScale", "85%"), "85%");
  EXPECT_EQ(success_evaluation("PercentageScale", "85"), "85%");
  EXPECT_EQ(success_evaluation("PercentageScale", "120%"), std::nullopt);
  EXPECT_EQ(success_evaluation("DescriptiveScale", "**good**"), "Good");
  EXPECT_EQ(success_evaluation("DescriptiveScale", "Great"), std::nullopt);
  EXPECT_EQ(success_evaluation("LikertScale", "strongly disagree"), "Strongly Disagree");
  EXPECT_EQ(success_evaluation("Checklist", "[x] booked\n[ ] confirmed\n"),
            "[x] booked\n[ ] confirmed");
  EXPECT_EQ(success_evaluation("AutomaticRubric", "  "), std::nullopt);
  EXPECT_EQ(success_evaluation("Matrix", "Clarity: Good"), "Clarity: Good");
}

TEST(AnalysisPrompts, JsonAnswersMayComeInAFence) {
  EXPECT_EQ(json_answer(R"( {"a": 1} )"), json::value(json::object{{"a", 1}}));
  EXPECT_EQ(json_answer("Here it is:\n```json\n[1, 2]\n```\nDone."),
            json::value(json::array{1, 2}));
  EXPECT_EQ(json_answer("true"), json::value(true));
  EXPECT_EQ(json_answer("The name is Ann"), std::nullopt);
}

TEST(AnalysisPrompts, StructuredOutputPromptsNameTheOutputAndTakeCustomMessages) {
  const auto output = json::parse(R"({"name": "Booked", "description": "whether it was booked",
    "schema": {"type": "boolean"}})")
                          .as_object();
  auto messages = structured_output_messages(output, facts_of(ended_call(), kAssistant));
  EXPECT_NE(content(messages, 0).find("Name: Booked"), std::string::npos);
  EXPECT_NE(content(messages, 0).find(R"({"type":"boolean"})"), std::string::npos);
  EXPECT_NE(content(messages, 1).find("User: m1"), std::string::npos);
  auto custom = output;
  custom["model"] = json::parse(R"({"provider": "openai", "model": "gpt-4.1", "messages": [
    {"role": "user", "content": "{{structuredOutput.name}} for {{customerName}} after {{duration}}s: {{transcript}}"}]})");
  messages = structured_output_messages(custom, facts_of(ended_call(), kAssistant),
                                        json::object{{"customerName", "Ann"}});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(content(messages, 0), "Booked for Ann after 90s: AI: m0\nUser: m1\n");
}

TEST(AnalysisPrompts, ObjectSchemasUseJsonSchemaModeAndOthersJsonObject) {
  const auto object = json::parse(R"({"type": "object", "properties": {}})");
  const auto format = response_format("Customer Info!", object);
  EXPECT_EQ(string_at(format, "type"), "json_schema");
  EXPECT_EQ(format.at("json_schema").at("name"), "Customer_Info_");
  EXPECT_EQ(format.at("json_schema").at("schema"), object);
  EXPECT_EQ(string_at(response_format("n", json::parse(R"({"type": "number"})")), "type"),
            "json_object");
}

TEST(AnalysisPrompts, ConditionsGateAStructuredOutput) {
  const auto facts = facts_of(ended_call(3), kAssistant);
  auto output = json::parse(R"({"conditions": [{"type": "minMessages", "count": 4}]})").as_object();
  EXPECT_EQ(unmet_condition(output, facts), output.at("conditions").at(0).as_object());
  output = json::parse(R"({"conditions": [{"type": "minCallDuration", "seconds": 60},
    {"type": "endedReason", "operator": "oneOf", "values": ["customer-ended-call"]}]})")
               .as_object();
  EXPECT_EQ(unmet_condition(output, facts), std::nullopt);
  output =
      json::parse(R"({"conditions": [{"type": "minCallDuration", "seconds": 120}]})").as_object();
  EXPECT_EQ(string_at(*unmet_condition(output, facts), "type"), "minCallDuration");
  output = json::parse(R"({"conditions": [{"type": "endedReason", "operator": "notOneOf",
    "values": ["customer-ended-call"]}]})")
               .as_object();
  EXPECT_EQ(string_at(*unmet_condition(output, facts), "type"), "endedReason");
  // The default minimum of two messages, lifted by a count of 0.
  const auto short_call = facts_of(ended_call(1), kAssistant);
  EXPECT_EQ(unmet_condition({}, short_call), json::object({{"type", "minMessages"}, {"count", 2}}));
  output = json::parse(R"({"conditions": [{"type": "minMessages", "count": 0}]})").as_object();
  EXPECT_EQ(unmet_condition(output, short_call), std::nullopt);
}

TEST(AnalysisPrompts, RegexOutputsAreShapedByTheirSchema) {
  const std::string transcript = "User: my order is 4521 and 77\nAI: Thanks";
  std::string error;
  const auto of = [&](std::string_view regex, std::string_view type) {
    json::object output{
        {"type", "regex"}, {"regex", regex}, {"schema", json::object{{"type", type}}}};
    return regex_output(output, transcript, error);
  };
  EXPECT_EQ(of(R"(\d+)", "number"), json::value(4521.0));
  EXPECT_EQ(of(R"(\d+)", "integer"), json::value(4521));
  EXPECT_EQ(of(R"(order is (\d+))", "string"), json::value("4521"));
  EXPECT_EQ(of(R"(\d+)", "array"), json::value(json::array{"4521", "77"}));
  EXPECT_EQ(of("/THANKS/i", "boolean"), json::value(true));
  EXPECT_EQ(of("refund", "boolean"), json::value(false));
  EXPECT_EQ(of("refund", "string"), json::value(nullptr));
  EXPECT_EQ(of("(unclosed", "string"), std::nullopt);
  EXPECT_NE(error.find("does not compile"), std::string::npos);
}

TEST(JsonSchemaValidation, TheContractEngineJudgesAUsersSchema) {
  const auto schema = json::parse(R"({"type": "object", "properties": {
    "name": {"type": "string"}, "age": {"type": "integer", "minimum": 0},
    "tier": {"type": "string", "enum": ["gold", "silver"]}}, "required": ["name"]})");
  EXPECT_TRUE(contract::validate_json_schema(
                  schema, json::parse(R"({"name": "Ann", "age": 3, "extra": 1})"))
                  .empty());
  const auto problems =
      contract::validate_json_schema(schema, json::parse(R"({"age": -1, "tier": "bronze"})"));
  ASSERT_EQ(problems.size(), 3u);
  std::string all;
  for (const auto& p : problems) all += p + "|";
  EXPECT_NE(all.find("name"), std::string::npos);
  EXPECT_NE(all.find("age"), std::string::npos);
  EXPECT_NE(all.find("tier"), std::string::npos);
  const auto closed = json::parse(R"({"type": "object", "properties": {"a": {"type": "number"}},
    "additionalProperties": false})");
  EXPECT_FALSE(contract::validate_json_schema(closed, json::parse(R"({"a": 1, "b": 2})")).empty());
  EXPECT_TRUE(
      contract::validate_json_schema(json::parse(R"({"type": "boolean"})"), json::value(true))
          .empty());
  EXPECT_FALSE(
      contract::validate_json_schema(json::parse(R"({"type": "boolean"})"), json::value("yes"))
          .empty());
  EXPECT_FALSE(
      contract::validate_json_schema(json::parse(R"({"type": "number"})"), json::value("8"))
          .empty());
}

}  // namespace
}  // namespace sb::analysis
