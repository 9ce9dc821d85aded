#pragma once
// The plan of a simulation run (POST /eval/simulation/run): the request's entries expanded —
// suites into their simulations, simulations into their scenario and personality — and each
// simulation into one item per iteration, with the structured outputs its evaluations name.
// Storage is reached only through `load`, so the expansion is a pure function of what it loads.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::evals {

/// A stored resource by kind and id (404 when the org has none).
enum class PlanKind { kScenario, kPersonality, kSimulation, kSuite, kStructuredOutput };
using PlanLoad = std::function<boost::json::object(PlanKind, std::string_view id)>;

struct PlannedItem {
  boost::json::object doc;  ///< the SimulationRunItem to store (queued)
  boost::json::object scenario;
  boost::json::object personality;
  /// (the scenario's evaluation plan item, its structured output)
  std::vector<std::pair<boost::json::object, boost::json::object>> evaluations;
};

struct PlannedRun {
  boost::json::object run;  ///< the SimulationRun to store (queued)
  std::vector<PlannedItem> items;
};

struct PlanContext {
  std::string org_id;
  std::string now;  ///< ISO 8601
  /// The target's snapshot (`assistant` or `squad` as stored, or the inline target holder),
  /// which each item's metadata starts from.
  boost::json::object snapshot;
  std::function<std::string()> new_id;
};

/// Plans a checked request (check_simulation_run_request). Throws ApiError: 400 when the entries
/// name no simulation (empty suites), and what `load` throws.
PlannedRun plan_simulation_run(const boost::json::object& body, const PlanContext& context,
                               const PlanLoad& load);

}  // namespace sb::evals
