#include "runtime/analysis/analysis_prompts.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <system_error>

#include <boost/json/parse.hpp>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "runtime/chat/template.hpp"

namespace sb::analysis {
namespace json = boost::json;

namespace {

json::array two(std::string_view system, std::string_view user) {
  return {json::object{{"role", "system"}, {"content", system}},
          json::object{{"role", "user"}, {"content", user}}};
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// The answer without the quotes, dots and markdown emphasis models wrap a one-word verdict in.
std::string bare(std::string_view answer) {
  auto s = trimmed(answer);
  const std::string_view strip = "\"'`*.!";
  while (!s.empty() && strip.find(s.back()) != std::string_view::npos) s.pop_back();
  std::size_t from = 0;
  while (from < s.size() && strip.find(s[from]) != std::string_view::npos) ++from;
  return trimmed(std::string_view(s).substr(from));
}

// Messages with every string content rendered.
json::array rendered(json::array messages, const json::object& variables) {
  for (auto& m : messages)
    if (auto* o = m.if_object())
      if (auto* content = o->if_contains("content")) chat::render_strings(*content, variables);
  return messages;
}

// One of `levels`, matched ignoring case, as the rubric spells it.
std::optional<std::string> level_of(std::string_view answer,
                                    std::initializer_list<std::string_view> levels) {
  const auto wanted = ascii_lower(bare(answer));
  for (auto level : levels)
    if (ascii_lower(level) == wanted) return std::string(level);
  return std::nullopt;
}

// The leading number of `text` ("8", "8/10", "85%"), when the rest is what `suffixes` allow.
std::optional<double> leading_number(std::string_view text,
                                     std::initializer_list<std::string_view> suffixes) {
  const auto s = bare(text);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return std::nullopt;
  const auto rest = trimmed(std::string_view(end));
  if (rest.empty()) return value;
  for (auto suffix : suffixes)
    if (rest == suffix) return value;
  return std::nullopt;
}

}  // namespace

CallFacts facts_of(const json::object& call, const json::object& assistant) {
  CallFacts facts;
  if (const auto* artifact = object_at(call, "artifact")) {
    facts.transcript = string_at(*artifact, "transcript");
    if (const auto* formatted = array_at(*artifact, "messagesOpenAIFormatted"))
      facts.conversation = json_text(*formatted);
    if (const auto* messages = array_at(*artifact, "messages"))
      for (const auto& m : *messages)
        if (m.is_object() && string_at(m.get_object(), "role") != "system") ++facts.message_count;
  }
  if (facts.conversation.empty()) facts.conversation = "[]";
  facts.model_messages = "[]";
  if (const auto* model = object_at(assistant, "model")) {
    if (const auto* messages = array_at(*model, "messages")) {
      facts.model_messages = json_text(*messages);
      for (const auto& m : *messages) {
        if (!m.is_object() || string_at(m.get_object(), "role") != "system") continue;
        if (!facts.system_prompt.empty()) facts.system_prompt += "\n";
        facts.system_prompt += string_at(m.get_object(), "content");
      }
    }
  }
  facts.ended_reason = string_at(call, "endedReason");
  facts.started_at = string_at(call, "startedAt");
  facts.ended_at = string_at(call, "endedAt");
  const auto started = parse_iso8601(facts.started_at);
  const auto ended = parse_iso8601(facts.ended_at);
  if (started && ended) {
    facts.has_times = true;
    facts.duration_seconds = static_cast<double>(*ended - *started) / 1000.0;
  }
  return facts;
}

json::array default_messages(Part part) {
  switch (part) {
    case Part::kSummary:
      return two(
          "You are an expert note-taker. You will be given a transcript of a call. Summarize "
          "the call in 2-3 sentences. DO NOT return anything except the summary.",
          "Here is the transcript:\n\n{{transcript}}\n\n. Here is the ended reason of the "
          "call:\n\n{{endedReason}}\n\n");
    case Part::kStructuredData:
      return two(
          "You are an expert data extractor. You will be given a transcript of a call. Extract "
          "structured data per the JSON Schema. DO NOT return anything except the structured "
          "data.\n\nJson Schema:\n{{schema}}\n\nOnly respond with the JSON.",
          "Here is the transcript:\n\n{{transcript}}\n\n. Here is the ended reason of the "
          "call:\n\n{{endedReason}}\n\n");
    case Part::kSuccessEvaluation: {
      auto messages =
          two("You are an expert call evaluator. You will be given a transcript of a call and the "
              "system prompt of the AI participant. Determine if the call was successful based on "
              "the objectives inferred from the system prompt. DO NOT return anything except the "
              "result.\n\nRubric:\n{{rubric}}\n\nOnly respond with the result.",
              "Here is the transcript:\n\n{{transcript}}\n\n");
      messages.push_back(json::object{
          {"role", "user"},
          {"content",
           "Here was the system prompt of the call:\n\n{{systemPrompt}}\n\n. Here is the ended "
           "reason of the call:\n\n{{endedReason}}\n\n"}});
      return messages;
    }
  }
  return {};
}

json::array plan_messages(const json::object* plan, Part part, const CallFacts& facts) {
  json::object variables{{"transcript", facts.transcript},
                         {"systemPrompt", facts.system_prompt},
                         {"messages", facts.model_messages},
                         {"endedReason", facts.ended_reason}};
  if (part == Part::kStructuredData) {
    const auto* schema = plan ? plan->if_contains("schema") : nullptr;
    variables["schema"] = schema ? json_text(*schema) : std::string("{}");
  }
  if (part == Part::kSuccessEvaluation) variables["rubric"] = rubric_text(rubric_of(plan));
  const auto* custom = plan ? array_at(*plan, "messages") : nullptr;
  return rendered(custom && !custom->empty() ? *custom : default_messages(part), variables);
}

std::string rubric_of(const json::object* plan) {
  const auto rubric = plan ? string_at(*plan, "rubric") : std::string_view();
  return rubric.empty() ? "PassFail" : std::string(rubric);
}

std::string rubric_text(std::string_view rubric) {
  if (rubric == "NumericScale")
    return "A number from 1 to 10: 1 when the call failed its objectives entirely, 10 when it "
           "met them all. Respond with the number only.";
  if (rubric == "DescriptiveScale")
    return "One of Excellent, Good, Fair or Poor for how well the call met its objectives. "
           "Respond with that word only.";
  if (rubric == "Checklist")
    return "A checklist of the call's objectives, one per line, each starting with [x] when it "
           "was met and [ ] when it was not.";
  if (rubric == "Matrix")
    return "A grid of the criteria the call is judged by (rows) against the performance levels "
           "Poor, Fair, Good and Excellent (columns), marking the level each criterion reached.";
  if (rubric == "PercentageScale")
    return "A percentage from 0% to 100% for how far the call met its objectives. Respond with "
           "the percentage only, e.g. 85%.";
  if (rubric == "LikertScale")
    return "How far you agree that the call met its objectives: one of Strongly Agree, Agree, "
           "Neutral, Disagree or Strongly Disagree. Respond with that phrase only.";
  if (rubric == "AutomaticRubric")
    return "Break the evaluation down into the criteria that matter for this call, one per line "
           "as `criterion: score` with a score from 1 to 10, and end with `Overall: score`.";
  if (rubric == "PassFail")
    return "true if the call met its objectives, false if it did not. Respond with true or "
           "false only.";
  return "";
}

std::optional<std::string> success_evaluation(std::string_view rubric, std::string_view answer) {
  if (rubric == "PassFail") {
    const auto word = ascii_lower(bare(answer));
    if (word == "true" || word == "pass" || word == "passed" || word == "yes") return "true";
    if (word == "false" || word == "fail" || word == "failed" || word == "no") return "false";
    return std::nullopt;
  }
  if (rubric == "NumericScale") {
    const auto n = leading_number(answer, {"/10", "/ 10", "out of 10"});
    if (!n || *n != std::floor(*n) || *n < 1 || *n > 10) return std::nullopt;
    return std::to_string(static_cast<int>(*n));
  }
  if (rubric == "PercentageScale") {
    const auto n = leading_number(answer, {"%"});
    if (!n || *n < 0 || *n > 100) return std::nullopt;
    return js_number_text(*n) + "%";
  }
  if (rubric == "DescriptiveScale") return level_of(answer, {"Excellent", "Good", "Fair", "Poor"});
  if (rubric == "LikertScale")
    return level_of(answer,
                    {"Strongly Agree", "Agree", "Neutral", "Disagree", "Strongly Disagree"});
  if (rubric == "Checklist" || rubric == "Matrix" || rubric == "AutomaticRubric") {
    auto text = trimmed(answer);
    if (text.empty()) return std::nullopt;
    return text;
  }
  return std::nullopt;
}

std::optional<json::value> json_answer(std::string_view text) {
  const auto parse = [](std::string_view t) -> std::optional<json::value> {
    std::error_code ec;
    auto v = json::parse(trimmed(t), ec);
    if (ec) return std::nullopt;
    return v;
  };
  if (auto whole = parse(text)) return whole;
  const auto open = text.find("```");
  if (open == std::string_view::npos) return std::nullopt;
  auto body = text.substr(open + 3);
  const auto line = body.find('\n');  // the fence's language tag ("json")
  if (line == std::string_view::npos) return std::nullopt;
  body = body.substr(line + 1);
  const auto close = body.find("```");
  if (close == std::string_view::npos) return std::nullopt;
  return parse(body.substr(0, close));
}

json::array structured_output_messages(const json::object& output, const CallFacts& facts,
                                       const json::object& variables) {
  json::object vars = variables;
  const auto* schema = output.if_contains("schema");
  vars["structuredOutput"] =
      json::object{{"name", string_at(output, "name")},
                   {"description", string_at(output, "description")},
                   {"schema", schema ? json_text(*schema) : std::string("{}")}};
  vars["transcript"] = facts.transcript;
  vars["messages"] = facts.conversation;
  vars["systemPrompt"] = facts.system_prompt;
  vars["callEndedReason"] = facts.ended_reason;
  vars["duration"] = facts.duration_seconds;
  vars["startedAt"] = facts.started_at;
  vars["endedAt"] = facts.ended_at;
  const auto* model = object_at(output, "model");
  const auto* custom = model ? array_at(*model, "messages") : nullptr;
  if (custom && !custom->empty()) return rendered(*custom, vars);
  return rendered(
      two("You are an expert data extractor. You will be given the transcript of a call. "
          "Extract the value described below from it.\n\nName: {{structuredOutput.name}}\n"
          "Description: {{structuredOutput.description}}\nJSON Schema:\n"
          "{{structuredOutput.schema}}\n\nRespond with only a JSON value that matches the JSON "
          "Schema, and nothing else.",
          "Here is the transcript:\n\n{{transcript}}\n\nHere is the ended reason of the call:"
          "\n\n{{callEndedReason}}\n\n"),
      vars);
}

json::object response_format(std::string_view name, const json::value& schema) {
  const auto* o = schema.if_object();
  if (!o || string_at(*o, "type") != "object") return {{"type", "json_object"}};
  // OpenAI's name: letters, digits, underscores and dashes, at most 64.
  std::string safe;
  for (char c : name)
    if (safe.size() < 64) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  if (safe.empty()) safe = "output";
  return {{"type", "json_schema"},
          {"json_schema", json::object{{"name", safe}, {"schema", schema}, {"strict", false}}}};
}

std::optional<json::object> unmet_condition(const json::object& output, const CallFacts& facts) {
  bool counted = false;
  if (const auto* conditions = array_at(output, "conditions")) {
    for (const auto& c : *conditions) {
      if (!c.is_object()) continue;
      const auto& condition = c.get_object();
      const auto type = string_at(condition, "type");
      if (type == "minMessages") {
        counted = true;
        if (static_cast<double>(facts.message_count) < number_at(condition, "count"))
          return condition;
      } else if (type == "minCallDuration") {
        if (facts.has_times && facts.duration_seconds < number_at(condition, "seconds"))
          return condition;
      } else if (type == "endedReason") {
        bool listed = false;
        if (const auto* values = array_at(condition, "values"))
          for (const auto& v : *values)
            if (v.is_string() && v.get_string() == facts.ended_reason) listed = true;
        const bool one_of = string_at(condition, "operator") != "notOneOf";
        if (listed != one_of) return condition;
      }
    }
  }
  if (!counted && facts.message_count < kDefaultMinMessages)
    return json::object{{"type", "minMessages"},
                        {"count", static_cast<std::int64_t>(kDefaultMinMessages)}};
  return std::nullopt;
}

std::optional<json::value> regex_output(const json::object& output, std::string_view transcript,
                                        std::string& error) {
  std::string pattern(string_at(output, "regex"));
  auto flags = std::regex::ECMAScript;
  if (pattern.size() > 2 && pattern.front() == '/') {
    const auto last = pattern.rfind('/');
    if (last > 0) {
      if (pattern.find('i', last) != std::string::npos) flags |= std::regex::icase;
      pattern = pattern.substr(1, last - 1);
    }
  }
  std::regex re;
  try {
    re = std::regex(pattern, flags);
  } catch (const std::regex_error& e) {
    error =
        "the regex " + std::string(string_at(output, "regex")) + " does not compile: " + e.what();
    return std::nullopt;
  }
  const std::string text(transcript);
  const auto* schema = object_at(output, "schema");
  const auto type = schema ? string_at(*schema, "type") : std::string_view("string");
  std::smatch first;
  const bool found = std::regex_search(text, first, re);
  if (type == "boolean") return json::value(found);
  if (type == "array") {
    json::array all;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
         ++it) {
      const auto& m = *it;
      all.emplace_back(m.size() > 1 && m[1].matched ? m[1].str() : m[0].str());
      if (m[0].length() == 0) break;  // an empty match would repeat forever
    }
    return json::value(std::move(all));
  }
  if (!found) return json::value(nullptr);
  if (type == "number" || type == "integer") {
    const auto n = leading_number(first[0].str(), {});
    if (!n) return json::value(nullptr);
    if (type == "integer") return json::value(static_cast<std::int64_t>(*n));
    return json::value(*n);
  }
  return json::value(first.size() > 1 && first[1].matched ? first[1].str() : first[0].str());
}

}  // namespace sb::analysis
