// Catalog group: evals and their runs (/eval, /eval/run), played through the chat engine by
// the eval runner; simulations (/eval/simulation/...): personalities, scenarios, simulations,
// suites and their runs, played by the simulation runner.

#include <memory>

#include "api/evals/eval_run_routes.hpp"
#include "app/catalog/catalog.hpp"
#include "domain/evals/eval_spec.hpp"
#include "domain/orgs/org_settings.hpp"
#include "runtime/evals/eval_runner.hpp"

namespace sb::app {
namespace {

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

}  // namespace

void add_evals(Catalog& catalog, const AgentSpecs& agents, const CredentialSpecs& credentials,
               const chat::ChatEngine& engine) {
  const auto& deps = catalog.deps();
  const auto& eval = catalog.add(evals::eval_spec(), {"/eval", "/eval/{id}", {}, {}});
  api::ResourceRoutes run_routes{"/eval/run", "/eval/run/{id}", {}, {}};
  run_routes.creates = false;  // POST /eval/run is the runner's
  const auto& run = catalog.add(evals::eval_run_spec(), std::move(run_routes));
  const chat::ResolverDeps resolver{catalog.service(), agents.assistants,       agents.squads,
                                    agents.tools,      credentials.credentials, *deps.clock};
  catalog.add(std::make_unique<EvalRunEntry>(
      *deps.contract,
      evals::EvalRunnerDeps{
          deps.store, catalog.service(), eval, run, resolver, engine, deps.llm_providers,
          [](storage::Session& s, std::string_view org_id) { return orgs::org_server(s, org_id); },
          *deps.clock}));
}

}  // namespace sb::app
