#pragma once
// The filters of the template renderer (template.hpp), as LiquidJS implements them: default,
// date, upcase, downcase, capitalize, strip, append, prepend, replace, truncate, size, join.

#include <string_view>
#include <vector>

#include "runtime/chat/liquid_value.hpp"

namespace sb::chat::liquid {

/// `in | name: args…`; an unknown filter passes `in` through. Work is charged to env.budget.
Val apply_filter(std::string_view name, Val in, const std::vector<Val>& args, const Env& env);

}  // namespace sb::chat::liquid
