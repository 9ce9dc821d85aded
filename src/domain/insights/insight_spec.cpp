#include "domain/insights/insight_spec.hpp"

namespace sb::insights {

resources::ResourceSpec insight_spec() {
  resources::ResourceSpec spec;
  spec.kind = "insight";
  spec.noun = "Insight";
  spec.discriminator = "type";
  spec.search_fields = {"name"};
  return spec;
}

}  // namespace sb::insights
