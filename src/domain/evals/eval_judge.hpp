#pragma once
// The judges of an eval's assistant checkpoints that need no model (exact and regex judge
// plans), and the reading of an LLM judge's answer. Pure: unit-tested without a server.
//
// A judged answer is the assistant message the target produced: its text and its tool calls
// as {name, arguments} (arguments a JSON value, as ChatEvalAssistantMessageMockToolCall
// shows them).

#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::evals {

struct Answer {
  std::string content;
  boost::json::array tool_calls;  ///< [{"name", "arguments"?}]
};

struct Verdict {
  bool pass = false;
  std::string failure_reason;  ///< why it failed; "" when it passed
};

/// An assistant message in OpenAI's format ({"content", "tool_calls": [{"function":
/// {"name", "arguments": JSON text}}]}) as an Answer; unparseable arguments stay a string.
Answer answer_of(const boost::json::object& assistant_message);

/// AssistantMessageJudgePlanExact: `content` equal to the answer's text, ignoring case and
/// surrounding whitespace; each expected tool call made (same name; its arguments, when
/// given, equal), and no call more than expected when `toolCalls` is given.
Verdict judge_exact(const boost::json::object& plan, const Answer& answer);

/// AssistantMessageJudgePlanRegex: `content` (ECMAScript syntax; a leading `(?i)` makes it
/// case-insensitive) matches some part of the text; each expected tool call made, each
/// expected argument's value a pattern matching some part of the actual argument.
Verdict judge_regex(const boost::json::object& plan, const Answer& answer);

/// An LLM judge's answer: "pass" or "fail", ignoring case, surrounding whitespace, quotes and
/// final punctuation; anything else is a failure saying what the judge answered.
Verdict parse_verdict(std::string_view model_text);

}  // namespace sb::evals
