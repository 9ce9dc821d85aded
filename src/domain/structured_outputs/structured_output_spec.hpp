#pragma once
// Structured outputs (/structured-output) on the generic resource engine: the extraction
// definitions calls are analysed with. Running them (after calls, and POST
// /structured-output/run) is runtime/analysis/'s.

#include "domain/resources/resource_spec.hpp"

namespace sb::structured_outputs {

resources::ResourceSpec structured_output_spec();

}  // namespace sb::structured_outputs
