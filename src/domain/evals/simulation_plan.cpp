#include "domain/evals/simulation_plan.hpp"

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "domain/evals/simulation_run.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

// One simulation to play: its id ("" for an inline entry), scenario, personality, and the
// simulation itself when stored.
struct Planned {
  std::string simulation_id;
  json::object scenario, personality, simulation;
};

std::vector<Planned> simulations_of(const json::array& entries, const PlanLoad& load) {
  std::vector<Planned> planned;
  const auto plan_simulation = [&](const json::object& simulation) {
    planned.push_back({std::string(string_at(simulation, "id")),
                       load(PlanKind::kScenario, string_at(simulation, "scenarioId")),
                       load(PlanKind::kPersonality, string_at(simulation, "personalityId")),
                       simulation});
  };
  for (const auto& e : entries) {
    const auto& entry = e.as_object();
    if (string_at(entry, "type") == "simulationSuite") {
      const auto suite = load(PlanKind::kSuite, string_at(entry, "simulationSuiteId"));
      for (const auto& id : suite.at("simulationIds").as_array())
        plan_simulation(load(PlanKind::kSimulation, id.as_string()));
    } else if (auto id = string_at(entry, "simulationId"); !id.empty()) {
      plan_simulation(load(PlanKind::kSimulation, id));
    } else {
      Planned p;
      p.scenario = entry.contains("scenario")
                       ? entry.at("scenario").as_object()
                       : load(PlanKind::kScenario, string_at(entry, "scenarioId"));
      p.personality = entry.contains("personality")
                          ? entry.at("personality").as_object()
                          : load(PlanKind::kPersonality, string_at(entry, "personalityId"));
      planned.push_back(std::move(p));
    }
  }
  return planned;
}

std::vector<std::pair<json::object, json::object>> evaluations_of(const json::object& scenario,
                                                                  const PlanLoad& load) {
  std::vector<std::pair<json::object, json::object>> evaluations;
  if (const auto* list = array_at(scenario, "evaluations"))
    for (const auto& ev : *list) {
      const auto& e = ev.as_object();
      auto output = e.contains("structuredOutput")
                        ? e.at("structuredOutput").as_object()
                        : load(PlanKind::kStructuredOutput, string_at(e, "structuredOutputId"));
      evaluations.emplace_back(e, std::move(output));
    }
  return evaluations;
}

}  // namespace

PlannedRun plan_simulation_run(const json::object& body, const PlanContext& context,
                               const PlanLoad& load) {
  const auto planned = simulations_of(body.at("simulations").as_array(), load);
  if (planned.empty())
    throw ApiError::bad_request("simulations name no simulation to run (their suites are empty)");
  const auto& now = context.now;
  const auto run_id = context.new_id();
  const auto iterations = body.contains("iterations")
                              ? static_cast<std::int64_t>(body.at("iterations").to_number<double>())
                              : 1;
  const json::object transport{{"provider", wants_voice(body) ? "vapi.websocket" : "vapi.webchat"}};
  PlannedRun out;
  json::array docs;
  for (const auto& p : planned) {
    const auto evaluations = evaluations_of(p.scenario, load);
    for (std::int64_t n = 1; n <= iterations; ++n) {
      json::object metadata = context.snapshot;
      metadata["scenario"] = p.scenario;
      metadata["personality"] = p.personality;
      if (!p.simulation.empty()) metadata["simulation"] = p.simulation;
      json::object doc{{"id", context.new_id()},
                       {"orgId", context.org_id},
                       {"runId", run_id},
                       {"status", "queued"},
                       {"queuedAt", now},
                       {"createdAt", now},
                       {"updatedAt", now},
                       {"iterationNumber", n},
                       {"metadata", std::move(metadata)},
                       {"configurations", json::object{{"transport", transport}}}};
      if (!p.simulation_id.empty()) doc["simulationId"] = p.simulation_id;
      // Stored ones have ids; inline ones do not.
      if (auto v = string_at(p.scenario, "id"); !v.empty()) doc["scenarioId"] = v;
      if (auto v = string_at(p.personality, "id"); !v.empty()) doc["personalityId"] = v;
      if (const auto* hooks = p.scenario.if_contains("hooks")) doc["hooks"] = *hooks;
      docs.push_back(doc);
      out.items.push_back({std::move(doc), p.scenario, p.personality, evaluations});
    }
  }
  out.run = {{"id", run_id},
             {"orgId", context.org_id},
             {"status", "queued"},
             {"queuedAt", now},
             {"createdAt", now},
             {"updatedAt", now},
             {"simulations", body.at("simulations")},
             {"target", body.at("target")},
             {"iterations", iterations},
             {"transport", transport},
             {"itemCounts", item_counts(docs)}};
  return out;
}

}  // namespace sb::evals
