#pragma once
// Simulations (/eval/simulation/...) on the generic resource engine: personalities (the AI
// tester, a full assistant configuration), scenarios (what the tester is after and the
// structured-output evaluations that decide the result), simulations (a scenario with a
// personality) and suites (simulations run together). Runs and their items are written only
// by the simulation runner (runtime/evals/simulation_runner).

#include "domain/resources/resource_spec.hpp"

namespace sb::evals {

resources::ResourceSpec personality_spec();
resources::ResourceSpec scenario_spec();
resources::ResourceSpec simulation_spec();
resources::ResourceSpec simulation_suite_spec();
resources::ResourceSpec simulation_run_spec();
resources::ResourceSpec simulation_run_item_spec();

}  // namespace sb::evals
