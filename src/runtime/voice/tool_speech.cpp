#include "runtime/voice/tool_speech.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/json_text.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

std::optional<double> as_number(std::string_view text) {
  double out = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return out;
}

std::string text_of(const json::value& v) {
  if (const auto* s = v.if_string()) return std::string(*s);
  return json_text(v);
}

json::object parse_arguments(std::string_view arguments) {
  try {
    auto v = json::parse(arguments);
    if (auto* o = v.if_object()) return std::move(*o);
  } catch (const std::exception&) {
  }
  return {};
}

// `content`, else the first of `contents` (the per-language variants).
std::string content_of(const json::object& message) {
  if (auto content = string_at(message, "content"); !content.empty()) return std::string(content);
  if (const auto* contents = array_at(message, "contents"))
    for (const auto& c : *contents)
      if (const auto* o = c.if_object(); o && !string_at(*o, "text").empty())
        return std::string(string_at(*o, "text"));
  return {};
}

bool applies(const json::object& message, const json::object& arguments) {
  if (const auto* conditions = array_at(message, "conditions"))
    for (const auto& c : *conditions)
      if (const auto* o = c.if_object(); o && !condition_holds(*o, arguments)) return false;
  return !content_of(message).empty();
}

ToolSpeech speech_of(const json::object& message) {
  ToolSpeech s;
  s.content = content_of(message);
  s.to_model = string_at(message, "role") == "system";
  s.end_call = !s.to_model && bool_at(message, "endCallAfterSpokenEnabled", false);
  s.blocking = !s.to_model && string_at(message, "type") == "request-start" &&
               bool_at(message, "blocking", false);
  s.delay = std::chrono::milliseconds(std::llround(number_at(message, "timingMilliseconds", 1000)));
  return s;
}

std::vector<const json::object*> applicable(const json::object& tool, std::string_view type,
                                            const json::object& arguments) {
  std::vector<const json::object*> out;
  if (const auto* messages = array_at(tool, "messages"))
    for (const auto& m : *messages)
      if (const auto* o = m.if_object();
          o && string_at(*o, "type") == type && applies(*o, arguments))
        out.push_back(o);
  return out;
}

}  // namespace

const json::object* find_tool(const json::array& tools, std::string_view function_name) {
  for (const auto& t : tools) {
    const auto* tool = t.if_object();
    if (!tool) continue;
    if (const auto* f = object_at(*tool, "function"); f && string_at(*f, "name") == function_name)
      return tool;
  }
  for (const auto& t : tools)
    if (const auto* tool = t.if_object(); tool && string_at(*tool, "type") == function_name)
      return tool;
  return nullptr;
}

std::optional<ToolSpeech> tool_speech(const json::object& tool, std::string_view type,
                                      std::string_view arguments, std::size_t pick) {
  const auto found = applicable(tool, type, parse_arguments(arguments));
  if (found.empty()) return std::nullopt;
  return speech_of(*found[pick % found.size()]);
}

std::vector<ToolSpeech> delayed_tool_speech(const json::object& tool, std::string_view arguments,
                                            std::size_t pick) {
  std::map<std::chrono::milliseconds, std::vector<ToolSpeech>> by_timing;
  for (const auto* m : applicable(tool, "request-response-delayed", parse_arguments(arguments))) {
    auto s = speech_of(*m);
    by_timing[s.delay].push_back(std::move(s));
  }
  std::vector<ToolSpeech> out;
  for (auto& [delay, variants] : by_timing) out.push_back(variants[pick % variants.size()]);
  return out;
}

bool condition_holds(const json::object& condition, const json::object& arguments) {
  const auto op = string_at(condition, "operator");
  const auto* v = arguments.if_contains(string_at(condition, "param"));
  if (!v) return op == "neq";
  const std::string actual = text_of(*v);
  const std::string expected(string_at(condition, "value"));
  const auto a = as_number(actual), b = as_number(expected);
  int order = 0;  // <0, 0, >0 as actual is below, equal to, above expected
  if (a && b) {
    order = *a < *b ? -1 : (*a > *b ? 1 : 0);
  } else {
    order = actual.compare(expected);
  }
  if (op == "eq") return order == 0;
  if (op == "neq") return order != 0;
  if (op == "gt") return order > 0;
  if (op == "gte") return order >= 0;
  if (op == "lt") return order < 0;
  if (op == "lte") return order <= 0;
  return false;
}

}  // namespace sb::voice
