#pragma once
// Aggregates over an org's stored calls for POST /analytics and the insights: each backend
// compiles an AnalyticsRequest to one SQL statement (grouping, time buckets and aggregates all
// run in the database), bounded by a deadline. The rules (which columns exist, how buckets
// fall in a time zone) are the domain's (domain/analytics); this only executes them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sb::storage {

/// A value read from each call document.
struct AnalyticsValue {
  enum class Source {
    kRowId,     ///< the call's id (counted)
    kNumber,    ///< the number at `path`
    kDuration,  ///< seconds from startedAt to endedAt (ms precision)
    kAny,       ///< whatever is at `path`: counted when present, a number for the other ops
  };
  Source source = Source::kRowId;
  std::vector<std::string> path;  ///< for kNumber, e.g. {"costBreakdown", "llm"}
};

struct AnalyticsAggregate {
  enum class Op { kCount, kSum, kAvg, kMin, kMax, kHistory };
  Op op = Op::kCount;
  AnalyticsValue value;
};

/// A condition a call must meet to be counted (the insights' filters).
struct AnalyticsFilter {
  enum class Op {
    kEq,
    kNe,
    kGt,
    kLt,
    kGe,
    kLe,  ///< against values[0]
    kIn,
    kNotIn,  ///< against any of values
    kContains,
    kNotContains,  ///< text: values[0] is (not) a substring
    kEmpty,
    kNotEmpty,  ///< absent or "" (text), absent (numbers)
  };
  /// How the document's value compares: as text, as a number (values are decimal text), or as
  /// an instant (an ISO 8601 string as format_iso8601 writes it; values the same).
  enum class Type { kText, kNumber, kInstant };
  Type type = Type::kText;
  Op op = Op::kEq;
  AnalyticsValue value;  ///< kText/kInstant: kNumber's path names the field; kNumber: any
  std::vector<std::string> values;
};

/// A half-open interval of created_at (ms since the epoch), lo < hi.
struct AnalyticsBucket {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

struct AnalyticsRequest {
  std::vector<AnalyticsBucket> buckets;  ///< ascending, disjoint; at least one
  /// Text values the groups are made of, e.g. {"assistantId"} or
  /// {"assistantOverrides", "variableValues", "plan"}; path components are [A-Za-z0-9_-].
  std::vector<std::vector<std::string>> group_paths;
  std::vector<AnalyticsAggregate> aggregates;
  std::vector<AnalyticsFilter> filters;  ///< all must hold
  std::size_t max_rows = 10000;          ///< more groups than this: AnalyticsTooManyRows
  std::chrono::milliseconds timeout{10000};
};

/// One group of one bucket. Groups without calls are not returned.
struct AnalyticsRow {
  std::size_t bucket = 0;                          ///< index into request.buckets
  std::vector<std::optional<std::string>> groups;  ///< as group_paths; nullopt when absent
  std::vector<std::optional<double>> numbers;      ///< per aggregate; nullopt for no value
  std::vector<std::vector<double>> histories;      ///< per aggregate (kHistory only)
};

/// The query ran past request.timeout and was cancelled.
struct AnalyticsTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// The query has more groups than request.max_rows.
struct AnalyticsTooManyRows : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class AnalyticsRepository {
 public:
  virtual ~AnalyticsRepository() = default;
  /// The calls of `org_id` created inside the buckets, aggregated per bucket and group, in no
  /// particular order.
  virtual std::vector<AnalyticsRow> aggregate_calls(std::string_view org_id,
                                                    const AnalyticsRequest& request) = 0;
};

}  // namespace sb::storage
