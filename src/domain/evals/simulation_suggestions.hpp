#pragma once
// The model-written parts of simulations: the prompts that ask for test scenarios
// (GenerateScenariosResponse) and for a failed item's improvement suggestions
// (SimulationRunItemImprovements), and the checking of what the model answered against those
// shapes. Pure.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::evals {

/// The system prompt asking for scenarios to test `assistant` (its system prompt and tools).
std::string scenarios_prompt(const boost::json::object& assistant);

/// The system prompt asking why `item` (a SimulationRunItem with its transcript and
/// evaluations) failed and what to change in `assistant`.
std::string suggestions_prompt(const boost::json::object& item,
                               const boost::json::object& assistant);

/// The model's answer as a GenerateScenariosResponse, or nullopt with `error` set.
std::optional<boost::json::object> read_scenarios(std::string_view answer, std::string& error);

/// The model's answer as SimulationRunItemImprovements, or nullopt with `error` set.
std::optional<boost::json::object> read_suggestions(std::string_view answer, std::string& error);

}  // namespace sb::evals
