#pragma once
// Scalar constraint checks shared by body and query validation. Each returns a bit mask of
// the failed Codes (see messages.hpp), 0 when the value passes.

#include <cstdint>
#include <string_view>

#include "contract/messages.hpp"
#include "contract/schema.hpp"

namespace sb::contract {

/// Longer inputs are not run through a pattern: libstdc++'s std::regex recurses per
/// character and could exhaust the stack. Every patterned field is a short name or key.
inline constexpr std::size_t kMaxPatternInput = 4096;

/// enum, minLength/maxLength, format and pattern of a string node.
std::uint32_t string_failures(const Schema& s, std::string_view value);

/// integer-ness, enum and minimum/maximum of a number or integer node.
std::uint32_t number_failures(const Schema& s, double value);

/// Calls `f(code)` for each bit of `failures`, in Code order.
template <class F>
void for_each_failure(std::uint32_t failures, F&& f) {
  for (unsigned c = 0; failures != 0; ++c, failures >>= 1) {
    if (failures & 1u) f(static_cast<Code>(c));
  }
}

}  // namespace sb::contract
