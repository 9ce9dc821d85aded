#pragma once
// What the SQL backends (sqlite/, postgres/) share: the comparisons a TimeFilter stands for,
// LIKE patterns, the schema version check.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/list_query.hpp"

namespace sb::storage {

/// Calls `fn(column, op, value)` for each bound that is set, e.g. ("created_at", ">", 30).
template <class Fn>
void for_each_bound(const TimeFilter& f, Fn&& fn) {
  const auto bound = [&](const char* column, const char* op, const std::optional<std::int64_t>& v) {
    if (v) fn(column, op, *v);
  };
  bound("created_at", ">", f.created_gt);
  bound("created_at", "<", f.created_lt);
  bound("created_at", ">=", f.created_ge);
  bound("created_at", "<=", f.created_le);
  bound("updated_at", ">", f.updated_gt);
  bound("updated_at", "<", f.updated_lt);
  bound("updated_at", ">=", f.updated_ge);
  bound("updated_at", "<=", f.updated_le);
}

/// A LIKE pattern matching `search` anywhere, with its wildcards escaped ('\\' escapes), so a
/// search for "50%" matches the text "50%".
inline std::string like_pattern(std::string_view search) {
  std::string out = "%";
  for (char c : search) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

/// Throws if the database was migrated by a newer binary than this one.
inline void check_schema_version(int version, int latest) {
  if (version > latest)
    throw std::runtime_error("the database schema (version " + std::to_string(version) +
                             ") is newer than this binary supports (" + std::to_string(latest) +
                             ")");
}

}  // namespace sb::storage
