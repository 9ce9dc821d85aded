#pragma once
// Tools on the generic resource engine: every type of the contract's oneOf, discriminated by
// `type`, which a PATCH may restate but not change.

#include "domain/resources/resource_spec.hpp"

namespace sb::tools {

resources::ResourceSpec tool_spec();

}  // namespace sb::tools
