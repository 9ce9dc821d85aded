#include "domain/evals/simulation_spec.hpp"

#include <string>
#include <vector>

#include "core/json_fields.hpp"
#include "domain/assistants/assistant_spec.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

// Each evaluation names its structured output once: by id or inline.
std::vector<std::string> check_evaluations(const json::object& scenario) {
  std::vector<std::string> errors;
  const auto* evaluations = array_at(scenario, "evaluations");
  if (!evaluations) return errors;
  for (std::size_t i = 0; i < evaluations->size(); ++i) {
    const auto* e = (*evaluations)[i].if_object();
    if (!e) continue;
    const int named =
        (e->contains("structuredOutputId") ? 1 : 0) + (e->contains("structuredOutput") ? 1 : 0);
    if (named != 1)
      errors.push_back("evaluations." + std::to_string(i) +
                       " must have exactly one of structuredOutputId or structuredOutput");
  }
  return errors;
}

}  // namespace

resources::ResourceSpec personality_spec() {
  resources::ResourceSpec spec;
  spec.kind = "simulation-personality";
  spec.noun = "Personality";
  spec.references = assistants::assistant_configuration_references("assistant.");
  return spec;
}

resources::ResourceSpec scenario_spec() {
  resources::ResourceSpec spec;
  spec.kind = "simulation-scenario";
  spec.noun = "Scenario";
  spec.references = {{"evaluations[].structuredOutputId", "structured-output", {}}};
  spec.check = check_evaluations;
  return spec;
}

resources::ResourceSpec simulation_spec() {
  resources::ResourceSpec spec;
  spec.kind = "simulation";
  spec.noun = "Simulation";
  spec.references = {{"scenarioId", "simulation-scenario", {}},
                     {"personalityId", "simulation-personality", {}}};
  return spec;
}

resources::ResourceSpec simulation_suite_spec() {
  resources::ResourceSpec spec;
  spec.kind = "simulation-suite";
  spec.noun = "Simulation suite";
  spec.references = {{"simulationIds[]", "simulation", {}}};
  spec.create_defaults = {{"targetAssignments", json::array()}};
  return spec;
}

resources::ResourceSpec simulation_run_spec() {
  resources::ResourceSpec spec;
  spec.kind = "simulation-run";
  spec.noun = "Simulation run";
  spec.search_fields = {};
  return spec;
}

resources::ResourceSpec simulation_run_item_spec() {
  resources::ResourceSpec spec;
  spec.kind = "simulation-run-item";
  spec.noun = "Simulation run item";
  spec.search_fields = {};
  return spec;
}

}  // namespace sb::evals
