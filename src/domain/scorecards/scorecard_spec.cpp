#include "domain/scorecards/scorecard_spec.hpp"

namespace sb::scorecards {

resources::ResourceSpec scorecard_spec() {
  resources::ResourceSpec spec;
  spec.kind = "scorecard";
  spec.noun = "Scorecard";
  spec.search_fields = {"name"};
  // Each metric scores a structured output of the org; the scorecard applies to the calls
  // of the assistants it names.
  spec.references = {{"metrics[].structuredOutputId", "structured-output", {}},
                     {"assistantIds[]", "assistant", {}}};
  return spec;
}

}  // namespace sb::scorecards
