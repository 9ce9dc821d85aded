#pragma once
// Insights (/reporting/insight): bar, pie, line and text charts over the call table, told
// apart by `type`, which picks the create and PATCH DTOs and cannot change. Running and
// previewing them are 501s until the analytics query engine exists.

#include "domain/resources/resource_spec.hpp"

namespace sb::insights {

resources::ResourceSpec insight_spec();

}  // namespace sb::insights
