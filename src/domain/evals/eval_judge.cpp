#include "domain/evals/eval_judge.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

// Longer texts are judged on their first 64 KiB: std::regex recurses per character.
constexpr std::size_t kMaxSubject = 64 * 1024;

std::string_view trimmed(std::string_view s) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// A value as the text a pattern is matched against: strings as they are, others as JSON.
std::string text_of(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json_text(v);
}

// Throws std::regex_error for a pattern std::regex cannot compile.
bool regex_finds(std::string_view pattern, std::string_view subject) {
  auto flags = std::regex::ECMAScript;
  if (pattern.starts_with("(?i)")) {
    pattern.remove_prefix(4);
    flags |= std::regex::icase;
  }
  const std::regex re(pattern.begin(), pattern.end(), flags);
  subject = subject.substr(0, kMaxSubject);
  return std::regex_search(subject.begin(), subject.end(), re);
}

using ArgumentCheck = bool (*)(const json::value& expected, const json::value& actual);

bool equal_arguments(const json::value& expected, const json::value& actual) {
  return expected == actual;
}

bool matching_arguments(const json::value& expected, const json::value& actual) {
  if (!expected.is_object()) return true;
  if (!actual.is_object()) return expected.get_object().empty();
  for (const auto& [key, pattern] : expected.get_object()) {
    const auto* value = actual.get_object().if_contains(key);
    if (!value || !regex_finds(text_of(pattern), text_of(*value))) return false;
  }
  return true;
}

std::string calls_text(const json::array& calls) {
  if (calls.empty()) return "no tool calls";
  std::string out;
  for (const auto& c : calls) {
    if (!out.empty()) out += ", ";
    out += json_text(c);
  }
  return out;
}

// Each expected call matched by a distinct actual call; "" when they all are.
std::string check_calls(const json::object& plan, const Answer& answer, ArgumentCheck check,
                        bool exact_count) {
  const auto* expected = array_at(plan, "toolCalls");
  if (!expected) return "";
  std::vector<bool> used(answer.tool_calls.size(), false);
  for (const auto& e : *expected) {
    if (!e.is_object()) continue;
    const auto& want = e.get_object();
    const auto name = string_at(want, "name");
    const auto* arguments = want.if_contains("arguments");
    bool found = false;
    for (std::size_t i = 0; i < answer.tool_calls.size() && !found; ++i) {
      const auto& got = answer.tool_calls[i].as_object();
      if (used[i] || string_at(got, "name") != name) continue;
      const auto* actual = got.if_contains("arguments");
      static const json::value kNone = json::object();
      if (arguments && !check(*arguments, actual ? *actual : kNone)) continue;
      used[i] = found = true;
    }
    if (!found)
      return "Expected a call of " + std::string(name) +
             (arguments ? " with arguments " + json_text(*arguments) : std::string()) +
             " but got: " + calls_text(answer.tool_calls);
  }
  if (exact_count && expected->size() != answer.tool_calls.size())
    return "Expected " + std::to_string(expected->size()) +
           " tool call(s) but got: " + calls_text(answer.tool_calls);
  return "";
}

Verdict verdict_of(std::string reason) {
  return {reason.empty(), std::move(reason)};
}

}  // namespace

Answer answer_of(const json::object& message) {
  Answer answer;
  answer.content = string_at(message, "content");
  const auto* calls = array_at(message, "tool_calls");
  if (!calls) return answer;
  for (const auto& c : *calls) {
    if (!c.is_object()) continue;
    const auto* function = object_at(c.get_object(), "function");
    if (!function) continue;
    json::object call{{"name", string_at(*function, "name")}};
    const auto arguments = string_at(*function, "arguments");
    boost::system::error_code ec;
    auto parsed = json::parse(arguments, ec);
    if (ec)
      call["arguments"] = arguments;
    else if (!(parsed.is_object() && parsed.get_object().empty()))
      call["arguments"] = std::move(parsed);
    answer.tool_calls.push_back(std::move(call));
  }
  return answer;
}

Verdict judge_exact(const json::object& plan, const Answer& answer) {
  const auto expected = trimmed(string_at(plan, "content"));
  if (plan.contains("content") && fold_case(expected) != fold_case(trimmed(answer.content)))
    return {false,
            "Expected exact match: " + quoted(expected) + " but got: " + quoted(answer.content)};
  return verdict_of(check_calls(plan, answer, equal_arguments, true));
}

Verdict judge_regex(const json::object& plan, const Answer& answer) {
  try {
    const auto pattern = string_at(plan, "content");
    if (plan.contains("content") && !regex_finds(pattern, answer.content))
      return {false, "Expected a match of the pattern " + quoted(pattern) +
                         " but got: " + quoted(answer.content)};
    return verdict_of(check_calls(plan, answer, matching_arguments, false));
  } catch (const std::regex_error& e) {
    return {false,
            std::string("The judge plan's pattern is not a valid regular expression: ") + e.what()};
  }
}

Verdict parse_verdict(std::string_view text) {
  auto word = trimmed(text);
  const auto strip = [](char c) { return c == '"' || c == '\'' || c == '`' || c == '*'; };
  while (!word.empty() && strip(word.front())) word.remove_prefix(1);
  while (!word.empty() && (strip(word.back()) || word.back() == '.' || word.back() == '!'))
    word.remove_suffix(1);
  const auto lower = ascii_lower(trimmed(word));
  if (lower == "pass") return {true, ""};
  if (lower == "fail") return {false, "The judge answered fail"};
  return {false, "The judge answered " + quoted(trimmed(text)) + ", not pass or fail"};
}

}  // namespace sb::evals
