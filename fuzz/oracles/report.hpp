#pragma once
// What the libFuzzer entry points share: the input as text, and how an oracle failure ends the
// run (abort, so libFuzzer saves the input as a crash and scripts/fuzz.sh fails).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace sb::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void require(const std::string& failure, const char* target) {
  if (failure.empty()) return;
  std::fprintf(stderr, "==%s== ORACLE FAILURE: %s\n", target, failure.c_str());
  std::abort();
}

}  // namespace sb::fuzz
