#pragma once
// Assistants on the generic resource engine: the tools they attach by id (model.toolIds) must
// be tools of the same org, and every response carries the fields a Vapi assistant has beyond
// its body.

#include "domain/resources/resource_spec.hpp"

namespace sb::assistants {

resources::ResourceSpec assistant_spec();

}  // namespace sb::assistants
