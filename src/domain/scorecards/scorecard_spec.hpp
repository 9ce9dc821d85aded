#pragma once
// Observability scorecards (/observability/scorecard): metrics over structured outputs that
// score an assistant's calls. Each metric's structuredOutputId must name a structured output
// of the org when written.

#include "domain/resources/resource_spec.hpp"

namespace sb::scorecards {

resources::ResourceSpec scorecard_spec();

}  // namespace sb::scorecards
