#include "domain/evals/simulation_suggestions.hpp"

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "domain/evals/simulation_run.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

std::string system_prompt_of(const json::object& assistant) {
  std::string out;
  if (const auto* model = object_at(assistant, "model"))
    if (const auto* messages = array_at(*model, "messages"))
      for (const auto& m : *messages)
        if (m.is_object() && string_at(m.get_object(), "role") == "system")
          out += std::string(string_at(m.get_object(), "content")) + "\n";
  return out;
}

std::string tool_names(const json::object& assistant) {
  std::string out;
  if (const auto* model = object_at(assistant, "model"))
    if (const auto* tools = array_at(*model, "tools"))
      for (const auto& t : *tools)
        if (const auto* f = t.is_object() ? object_at(t.get_object(), "function") : nullptr)
          out += (out.empty() ? "" : ", ") + std::string(string_at(*f, "name"));
  return out.empty() ? "none" : out;
}

// The answer's JSON object (inside a ``` fence when there is one).
std::optional<json::object> object_of(std::string_view answer, std::string& error) {
  std::string_view text = answer;
  if (const auto open = text.find('{'); open != std::string_view::npos) text.remove_prefix(open);
  if (const auto close = text.rfind('}'); close != std::string_view::npos)
    text = text.substr(0, close + 1);
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    error = "The model's answer is not a JSON object: " + std::string(answer.substr(0, 200));
    return std::nullopt;
  }
  return std::move(value.get_object());
}

bool strings(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    const auto* v = o.if_contains(k);
    if (!v || !v->is_string()) return false;
  }
  return true;
}

}  // namespace

std::string scenarios_prompt(const json::object& assistant) {
  return "You design test scenarios for an AI assistant. Each scenario tells a simulated caller "
         "what to do in a conversation with the assistant. Cover the happy path, edge cases and "
         "failure modes. Answer with JSON only, of this shape: {\"scenarios\": [{\"name\": "
         "string, \"instructions\": string, \"category\": \"happy_path\" | \"edge_case\" | "
         "\"failure_mode\", \"reasoning\": string}], \"coverageNotes\": string}.\n\nThe "
         "assistant's system prompt:\n" +
         system_prompt_of(assistant) + "\nIts tools: " + tool_names(assistant) +
         "\nIts first message: " + std::string(string_at(assistant, "firstMessage"));
}

std::string suggestions_prompt(const json::object& item, const json::object& assistant) {
  std::string transcript;
  const json::object* results = object_at(item, "results");
  if (const auto* metadata = object_at(item, "metadata"))
    if (const auto* call = object_at(*metadata, "call"))
      transcript = string_at(*call, "transcript");
  return "You review a test conversation between an AI assistant (AI) and a simulated caller "
         "(User) whose evaluations failed, and suggest improvements. Answer with JSON only, of "
         "this shape: {\"analysis\": string, \"systemPromptSuggestions\": [{\"issue\": string, "
         "\"suggestion\": string}], \"toolSuggestions\": [same], \"scenarioSuggestions\": "
         "[same], \"suggestedSystemPrompt\": string (only for major changes)}.\n\nThe "
         "assistant's system prompt:\n" +
         system_prompt_of(assistant) + "\nIts tools: " + tool_names(assistant) +
         "\n\nTranscript:\n" + transcript + "\nEvaluations: " +
         (results ? json_text(results->contains("evaluations") ? results->at("evaluations")
                                                               : json::value(json::array()))
                  : std::string("[]")) +
         "\nFailure: " + std::string(string_at(item, "failureReason"));
}

std::optional<json::object> read_scenarios(std::string_view answer, std::string& error) {
  auto o = object_of(answer, error);
  if (!o) return std::nullopt;
  const auto* scenarios = array_at(*o, "scenarios");
  if (!scenarios || !o->contains("coverageNotes") || !o->at("coverageNotes").is_string()) {
    error = "The model's answer has no scenarios array and coverageNotes string";
    return std::nullopt;
  }
  json::object out{{"scenarios", json::array()}, {"coverageNotes", o->at("coverageNotes")}};
  for (const auto& s : *scenarios) {
    const auto* scenario = s.if_object();
    const auto category = scenario ? string_at(*scenario, "category") : "";
    if (!scenario || !strings(*scenario, {"name", "instructions", "reasoning"}) ||
        (category != "happy_path" && category != "edge_case" && category != "failure_mode")) {
      error =
          "A scenario in the model's answer lacks a name, instructions, reasoning or a known "
          "category: " +
          json_text(s);
      return std::nullopt;
    }
    out["scenarios"].as_array().push_back(
        json::object{{"name", scenario->at("name")},
                     {"instructions", scenario->at("instructions")},
                     {"category", category},
                     {"reasoning", scenario->at("reasoning")}});
  }
  return out;
}

std::optional<json::object> read_suggestions(std::string_view answer, std::string& error) {
  auto o = object_of(answer, error);
  if (!o) return std::nullopt;
  if (!strings(*o, {"analysis"})) {
    error = "The model's answer has no analysis string";
    return std::nullopt;
  }
  json::object out{{"analysis", o->at("analysis")}};
  for (auto key : {"systemPromptSuggestions", "toolSuggestions", "scenarioSuggestions"}) {
    json::array list;
    if (const auto* given = array_at(*o, key))
      for (const auto& s : *given) {
        const auto* suggestion = s.if_object();
        if (!suggestion || !strings(*suggestion, {"issue", "suggestion"})) {
          error = std::string("An entry of ") + key + " lacks an issue or a suggestion";
          return std::nullopt;
        }
        list.push_back(json::object{{"issue", suggestion->at("issue")},
                                    {"suggestion", suggestion->at("suggestion")}});
      }
    out[key] = std::move(list);
  }
  if (const auto* p = o->if_contains("suggestedSystemPrompt"); p && p->is_string())
    out["suggestedSystemPrompt"] = *p;
  return out;
}

}  // namespace sb::evals
