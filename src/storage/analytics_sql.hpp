#pragma once
// The one compiler of an AnalyticsRequest to SQL, in the dialect of each backend. The buckets
// are a parameter joined against the calls' created_at index, so a 30-bucket query reads
// only the rows inside its range, and grouping and aggregating happen in the database.

#include <string>
#include <string_view>
#include <vector>

#include "storage/analytics_repository.hpp"

namespace sb::storage {

enum class SqlDialect { kSqlite, kPostgres };

struct CompiledAnalytics {
  std::string sql;
  /// Text parameters in order ($1.. / ?1..); the first is the org id.
  std::vector<std::string> params;
};

/// Result columns: bucket index, one per group path (text or NULL), one per aggregate (a
/// number or NULL; kHistory: a JSON array of numbers). At most request.max_rows + 1 rows.
CompiledAnalytics compile_analytics(std::string_view org_id, const AnalyticsRequest& request,
                                    SqlDialect dialect);

/// `events` as one JSON array of {type, at, data}: the parameter the backends insert them from.
std::string call_events_json(const std::vector<CallEvent>& events);

/// Parses a kHistory column's JSON array of numbers.
std::vector<double> parse_history(std::string_view json);

}  // namespace sb::storage
