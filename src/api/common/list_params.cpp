#include "api/common/list_params.hpp"

#include <cmath>
#include <string>

#include "core/api_error.hpp"
#include "core/clock.hpp"

namespace sb::api {
namespace {

std::optional<std::int64_t> time_bound(const http::Request& r, std::string_view name) {
  const auto text = r.query_value(name);
  if (!text) return std::nullopt;
  const auto ms = parse_iso8601(*text);
  if (!ms) throw ApiError::bad_request(std::string(name) + " must be a valid ISO 8601 date string");
  return ms;
}

}  // namespace

storage::TimeFilter time_filter_from(const http::Request& r) {
  storage::TimeFilter f;
  f.created_gt = time_bound(r, "createdAtGt");
  f.created_lt = time_bound(r, "createdAtLt");
  f.created_ge = time_bound(r, "createdAtGe");
  f.created_le = time_bound(r, "createdAtLe");
  f.updated_gt = time_bound(r, "updatedAtGt");
  f.updated_lt = time_bound(r, "updatedAtLt");
  f.updated_ge = time_bound(r, "updatedAtGe");
  f.updated_le = time_bound(r, "updatedAtLe");
  return f;
}

std::int64_t integer_query(const http::Request& r, std::string_view name, std::int64_t fallback) {
  const auto text = r.query_value(name);
  if (!text) return fallback;
  try {
    const double v = std::stod(std::string(*text));
    if (!std::isfinite(v) || std::abs(v) > 9e15) throw std::out_of_range("");
    return static_cast<std::int64_t>(v);
  } catch (const std::exception&) {
    throw ApiError::bad_request(std::string(name) +
                                " must be a number conforming to the specified constraints");
  }
}

}  // namespace sb::api
