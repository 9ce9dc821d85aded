// Catalog group: evals and their runs (/eval, /eval/run), played through the chat engine by
// the eval runner; simulations (/eval/simulation/...): personalities, scenarios, simulations,
// suites and their runs, played by the simulation runner.

#include <memory>

#include "api/evals/eval_run_routes.hpp"
#include "api/evals/simulation_routes.hpp"
#include "app/catalog/catalog.hpp"
#include "domain/evals/eval_spec.hpp"
#include "domain/evals/simulation_spec.hpp"
#include "domain/orgs/org_settings.hpp"
#include "domain/structured_outputs/structured_output_spec.hpp"
#include "runtime/evals/eval_runner.hpp"
#include "runtime/evals/simulation_runner.hpp"

namespace sb::app {
namespace {

std::optional<boost::json::object> org_server(storage::Session& s, std::string_view org_id) {
  return orgs::org_server(s, org_id);
}

// Owns the eval runner its route uses.
class EvalRunEntry final : public RouteProvider {
 public:
  EvalRunEntry(const contract::Contract& contract, evals::EvalRunnerDeps deps)
      : runner_(std::move(deps)), routes_(contract, runner_) {}
  int register_routes(http::Router& router) override { return routes_.register_routes(router); }

 private:
  evals::EvalRunner runner_;
  api::EvalRunRoutes routes_;
};

// Owns the simulation runner its routes use.
class SimulationEntry final : public RouteProvider {
 public:
  SimulationEntry(Catalog& catalog, evals::SimulationRunnerDeps deps)
      : runs_(deps.specs.runs),
        items_(deps.specs.items),
        runner_(std::move(deps)),
        routes_(catalog.deps().store, catalog.service(), *catalog.deps().contract, runner_, runs_,
                items_) {}
  int register_routes(http::Router& router) override { return routes_.register_routes(router); }

 private:
  const resources::ResourceSpec& runs_;
  const resources::ResourceSpec& items_;
  evals::SimulationRunner runner_;
  api::SimulationRoutes routes_;
};

}  // namespace

void add_evals(Catalog& catalog, const AgentSpecs& agents, const CredentialSpecs& credentials,
               const chat::ChatEngine& engine, std::int64_t simulation_concurrency,
               SimulationVoice voice) {
  const auto& deps = catalog.deps();
  const chat::ResolverDeps resolver{catalog.service(), agents.assistants,       agents.squads,
                                    agents.tools,      credentials.credentials, *deps.clock};
  const auto& eval = catalog.add(evals::eval_spec(), {"/eval", "/eval/{id}", {}, {}});
  api::ResourceRoutes run_routes{"/eval/run", "/eval/run/{id}", {}, {}};
  run_routes.creates = false;  // POST /eval/run is the runner's
  const auto& run = catalog.add(evals::eval_run_spec(), std::move(run_routes));
  catalog.add(std::make_unique<EvalRunEntry>(
      *deps.contract, evals::EvalRunnerDeps{deps.store, catalog.service(), eval, run, resolver,
                                            engine, deps.llm_providers, org_server, *deps.clock}));

  const auto& personality =
      catalog.add(evals::personality_spec(),
                  {"/eval/simulation/personality", "/eval/simulation/personality/{id}", {}, {}});
  const auto& scenario =
      catalog.add(evals::scenario_spec(),
                  {"/eval/simulation/scenario", "/eval/simulation/scenario/{id}", {}, {}});
  // standaloneOnly (simulations in no suite) is not a field of the simulation: not a filter.
  const auto& simulation =
      catalog.add(evals::simulation_spec(),
                  {"/eval/simulation", "/eval/simulation/{id}", {}, {{"standaloneOnly", ""}}});
  const auto& suite =
      catalog.add(evals::simulation_suite_spec(),
                  {"/eval/simulation/suite", "/eval/simulation/suite/{id}", {}, {}});
  // targetId matches an assistant target (a squad's id is under target.squadId); filterStatus
  // (runs by their items' results) is not a field of the run: not a filter (docs/evals.md).
  api::ResourceRoutes sim_run_routes{
      "/eval/simulation/run",
      "/eval/simulation/run/{id}",
      {},
      {{"targetType", "target.type"}, {"targetId", "target.assistantId"}, {"filterStatus", ""}}};
  sim_run_routes.creates = false;  // the runner creates runs
  sim_run_routes.updates = false;  // PATCH cancels a run (SimulationRoutes)
  const auto& sim_run = catalog.add(evals::simulation_run_spec(), std::move(sim_run_routes));
  static const auto items = evals::simulation_run_item_spec();
  static const auto structured_outputs = structured_outputs::structured_output_spec();
  evals::SimulationRunnerDeps sim_deps{
      deps.store,
      catalog.service(),
      {personality, scenario, simulation, suite, sim_run, items, structured_outputs},
      resolver,
      engine,
      deps.llm_providers,
      org_server,
      *deps.clock};
  sim_deps.concurrency = simulation_concurrency;
  sim_deps.public_url = deps.public_url;
  sim_deps.deliveries = deps.deliveries;
  sim_deps.calls = &voice.calls;
  sim_deps.voice = &voice.voice;
  sim_deps.io = &voice.io;
  catalog.add(std::make_unique<SimulationEntry>(catalog, std::move(sim_deps)));
}

}  // namespace sb::app
