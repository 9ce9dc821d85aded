#pragma once
// A scorecard's score on one call (observability/scorecard-quickstart): each metric looks at
// one structured output's result in the call's artifact.structuredOutputs; every condition it
// meets adds its points. `score` is the sum of the points awarded, `scoreNormalized`
// ceil(score / maxPoints * 100) where maxPoints is the sum of every condition's points (the
// score if all were met; 0 → 0), and `metricPoints` the points each metric's structured
// output earned. A number condition compares with =, !=, >, <, >=, <=; a boolean one with =.
// A result that is missing, null or not of the condition's type meets no condition.

#include <boost/json/object.hpp>

namespace sb::scorecards {

/// artifact.scorecards[id] of `scorecard` (a Scorecard or CreateScorecardDTO) over
/// `structured_outputs` (id → {name, result}): {name?, score, scoreNormalized, metricPoints}.
boost::json::object score(const boost::json::object& scorecard,
                          const boost::json::object& structured_outputs);

}  // namespace sb::scorecards
