#pragma once
// The pure half of post-call analysis (docs/analysis.md): what the model is asked for each part
// of an assistant's analysisPlan (summary, structured data, success evaluation) and for a
// structured output, with the documented default messages and `{{…}}` variables; how its answer
// is read (a JSON value, a rubric's verdict); which structured outputs a call's conditions gate;
// and the `regex` structured outputs, which need no model. No I/O.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::analysis {

/// What the prompts' variables say about an ended call and the assistant it ran.
struct CallFacts {
  std::string transcript;      ///< call.artifact.transcript ("AI: …\nUser: …\n")
  std::string system_prompt;   ///< the assistant's model.messages of role system, joined
  std::string model_messages;  ///< the assistant's model.messages as JSON text ({{messages}})
  std::string conversation;    ///< artifact.messagesOpenAIFormatted as JSON text
  std::string ended_reason;
  std::string started_at;  ///< ISO 8601, "" when the call never started
  std::string ended_at;
  double duration_seconds = 0;
  std::size_t message_count = 0;  ///< the conversation's messages (bot and user turns)
  bool has_times = false;         ///< startedAt and endedAt are both known
};
CallFacts facts_of(const boost::json::object& call, const boost::json::object& assistant);

enum class Part { kSummary, kStructuredData, kSuccessEvaluation };

/// The part's default messages, as SummaryPlan / StructuredDataPlan / SuccessEvaluationPlan
/// document them.
boost::json::array default_messages(Part part);

/// The model messages of `plan` (an analysisPlan part; null: the defaults): its `messages`, or
/// the defaults when it has none, each text content rendered with {{transcript}},
/// {{systemPrompt}}, {{messages}}, {{endedReason}}, and {{schema}} (structured data: the plan's
/// schema as JSON text) or {{rubric}} (success evaluation: the rubric's description).
boost::json::array plan_messages(const boost::json::object* plan, Part part,
                                 const CallFacts& facts);

/// SuccessEvaluationPlan.rubric, "PassFail" when absent.
std::string rubric_of(const boost::json::object* plan);
/// What `rubric` asks of the model, for {{rubric}}; "" for a name that is not a rubric.
std::string rubric_text(std::string_view rubric);
/// call.analysis.successEvaluation from the model's answer under `rubric`: PassFail "true" /
/// "false" (pass/fail, yes/no accepted); NumericScale "1".."10" (a "/10" accepted);
/// PercentageScale "0%".."100%"; DescriptiveScale and LikertScale one of their levels, spelled
/// as the rubric spells it; Checklist, Matrix and AutomaticRubric the answer's text. nullopt
/// when the answer does not fit the rubric (it is then not stored).
std::optional<std::string> success_evaluation(std::string_view rubric, std::string_view answer);

/// The JSON value a model answered: the whole text, or the body of a ``` fence in it; nullopt
/// when neither parses.
std::optional<boost::json::value> json_answer(std::string_view text);

/// The messages that extract `output` (a structured output: name, description, schema, model)
/// from a call: its model.messages when it has them, else the defaults; rendered with
/// {{transcript}}, {{messages}} (the conversation with tool calls), {{structuredOutput.name}},
/// {{structuredOutput.description}}, {{structuredOutput.schema}}, {{systemPrompt}},
/// {{callEndedReason}}, {{duration}}, {{startedAt}}, {{endedAt}} and `variables` (the call's
/// variableValues).
boost::json::array structured_output_messages(const boost::json::object& output,
                                              const CallFacts& facts,
                                              const boost::json::object& variables = {});

/// The OpenAI response_format that asks for `schema`: a json_schema format for an object
/// schema (strict off, so optional properties stay optional), json_object otherwise.
boost::json::object response_format(std::string_view name, const boost::json::value& schema);

/// A structured output runs on a call with at least this many messages unless its conditions
/// say otherwise (a minMessages condition, whose count 0 lifts it).
inline constexpr std::size_t kDefaultMinMessages = 2;

/// The first of `output`'s conditions the call does not meet (MinMessages, MinCallDuration —
/// met when the call has no times — EndedReason oneOf/notOneOf), or the default minimum as a
/// minMessages condition; nullopt when it may run.
std::optional<boost::json::object> unmet_condition(const boost::json::object& output,
                                                   const CallFacts& facts);

/// A `regex` structured output's value from the transcript, shaped by its schema's type:
/// boolean whether it matches, string the first capture group (else the match; null when
/// none), number/integer the first match as a number (null when none or not a number), array
/// every match. The pattern is raw ("\\d+") or a literal ("/\\d+/gi"; `i` ignores case).
/// nullopt, with `error` set, when the pattern does not compile.
std::optional<boost::json::value> regex_output(const boost::json::object& output,
                                               std::string_view transcript, std::string& error);

}  // namespace sb::analysis
