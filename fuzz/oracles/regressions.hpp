#pragma once
// Reading the committed reproducers (fuzz/regressions/<target>/) for the unit tests that replay
// them through the fuzz oracles in the normal test build, without clang or libFuzzer.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace sb::fuzz {

/// (file name, bytes) of every file in fuzz/regressions/<target>/, sorted by name. The source
/// tree is $SB_SOURCE_DIR (set by ctest), else found from `source_file` (a test's __FILE__, two
/// levels below the root or three for tests/unit/contract/).
inline std::vector<std::pair<std::string, std::string>> regression_inputs(
    const std::string& target, const std::filesystem::path& source_file) {
  std::filesystem::path root;
  if (const char* env = std::getenv("SB_SOURCE_DIR"); env && *env) {
    root = env;
  } else {
    for (auto p = std::filesystem::absolute(source_file).parent_path();
         !p.empty() && p != p.root_path(); p = p.parent_path())
      if (std::filesystem::exists(p / "fuzz" / "regressions")) {
        root = p;
        break;
      }
  }
  std::vector<std::pair<std::string, std::string>> out;
  const auto dir = root / "fuzz" / "regressions" / target;
  if (root.empty() || !std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(entry.path().filename().string(),
                     std::string(std::istreambuf_iterator<char>(in), {}));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sb::fuzz
