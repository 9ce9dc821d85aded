#pragma once

#include <string>
#include <string_view>

namespace sb::llm {

/// `base` + `path`, without the double slash a base URL configured with a trailing one gives.
inline std::string endpoint(std::string_view base, std::string_view path) {
  while (base.ends_with('/')) base.remove_suffix(1);
  return std::string(base) + std::string(path);
}

}  // namespace sb::llm
