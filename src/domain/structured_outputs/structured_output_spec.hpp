#pragma once
// Structured outputs (/structured-output) on the generic resource engine: the extraction
// definitions calls are analysed with. Running them (POST /structured-output/run) is a 501
// until the LLM extraction capability exists.

#include "domain/resources/resource_spec.hpp"

namespace sb::structured_outputs {

resources::ResourceSpec structured_output_spec();

}  // namespace sb::structured_outputs
