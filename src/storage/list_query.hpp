#pragma once
// What every list endpoint shares: createdAt/updatedAt bounds and a page of documents.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::storage {

/// Timestamp bounds (ms since the epoch); each one is optional. Gt/Lt are strict, Ge/Le
/// inclusive.
struct TimeFilter {
  std::optional<std::int64_t> created_gt, created_lt, created_ge, created_le;
  std::optional<std::int64_t> updated_gt, updated_lt, updated_ge, updated_le;
};

struct DocumentPage {
  std::vector<std::string> documents;  ///< API objects as JSON text
  std::int64_t total = 0;              ///< rows matching the filter, all pages
};

}  // namespace sb::storage
