#include "domain/calls/call_costs.hpp"

#include <string>

#include "core/json_fields.hpp"

namespace sb::calls {
namespace json = boost::json;

namespace {

std::int64_t tokens(const json::object& cost, std::string_view key) {
  const auto* v = cost.if_contains(key);
  return v && v->is_number() ? v->to_number<std::int64_t>() : 0;
}

// The engine a call ran when its assistant names none: this server's own.
json::object or_builtin(const json::object& config) {
  if (!string_at(config, "provider").empty()) return config;
  return json::object{{"provider", "vapi"}};
}

}  // namespace

void merge_model_costs(json::array& into, const json::array& costs) {
  for (const auto& c : costs) {
    const auto* cost = c.if_object();
    if (!cost || string_at(*cost, "type") != "model") continue;
    const auto* model = object_at(*cost, "model");
    if (!model) continue;
    bool merged = false;
    for (auto& existing : into) {
      auto& e = existing.as_object();
      const auto* m = object_at(e, "model");
      if (!m || string_at(*m, "provider") != string_at(*model, "provider") ||
          string_at(*m, "model") != string_at(*model, "model"))
        continue;
      e["promptTokens"] = tokens(e, "promptTokens") + tokens(*cost, "promptTokens");
      e["completionTokens"] = tokens(e, "completionTokens") + tokens(*cost, "completionTokens");
      merged = true;
      break;
    }
    if (!merged) into.push_back(*cost);
  }
}

void add_costs(json::object& call, const CallUsage& usage) {
  const double minutes = static_cast<double>(usage.duration_ms) / 60'000.0;
  json::array costs;
  costs.push_back(json::object{{"type", "transport"},
                               {"provider", string_at(usage.transport, "provider")},
                               {"minutes", minutes},
                               {"cost", 0}});
  costs.push_back(json::object{{"type", "transcriber"},
                               {"transcriber", or_builtin(usage.transcriber)},
                               {"minutes", minutes},
                               {"cost", 0}});
  std::int64_t prompt = 0, completion = 0;
  for (const auto& c : usage.model_costs) {
    costs.push_back(c);
    prompt += tokens(c.as_object(), "promptTokens");
    completion += tokens(c.as_object(), "completionTokens");
  }
  costs.push_back(json::object{{"type", "voice"},
                               {"voice", or_builtin(usage.voice)},
                               {"characters", usage.tts_characters},
                               {"cost", 0}});
  costs.push_back(
      json::object{{"type", "vapi"}, {"subType", "normal"}, {"minutes", minutes}, {"cost", 0}});
  call["costs"] = std::move(costs);
  call["costBreakdown"] = json::object{{"transport", 0},
                                       {"stt", 0},
                                       {"llm", 0},
                                       {"tts", 0},
                                       {"vapi", 0},
                                       {"total", 0},
                                       {"llmPromptTokens", prompt},
                                       {"llmCompletionTokens", completion},
                                       {"ttsCharacters", usage.tts_characters}};
  call["cost"] = 0;
}

}  // namespace sb::calls
