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
  /// kPercentage: only in an event query (AnalyticsRequest::events), alone.
  enum class Op { kCount, kSum, kAvg, kMin, kMax, kHistory, kPercentage };
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

/// An event query: the request counts the org's recorded call events (call_events) of one
/// type instead of its calls, each in the bucket of its own time. The request's group_paths
/// and filters then read the event's call; `data_filters` read the event's data (their
/// value.path names a field of it). Its one aggregate is kCount (the events) or kPercentage
/// (the events per 100 calls created in the same bucket and group, NULL without calls).
struct AnalyticsEvents {
  std::string type;
  std::vector<AnalyticsFilter> data_filters;
};

struct AnalyticsRequest {
  std::optional<AnalyticsEvents> events;  ///< unset: the calls themselves
  std::vector<AnalyticsBucket> buckets;   ///< ascending, disjoint; at least one
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

/// One thing that happened in a live call (the events table of the insights).
struct CallEvent {
  std::string type;         ///< as the document names it, e.g. "call.dtmfReceived"
  std::int64_t at = 0;      ///< ms since the epoch
  std::string data = "{}";  ///< a JSON object: the fields its filters name
};

class AnalyticsRepository {
 public:
  virtual ~AnalyticsRepository() = default;
  /// Appends `events` of a stored call to the event log (write sessions). Its rows go with
  /// the call when it is deleted.
  virtual void record_call_events(std::string_view org_id, std::string_view call_id,
                                  const std::vector<CallEvent>& events) = 0;
  /// The calls of `org_id` created inside the buckets (or its events, request.events),
  /// aggregated per bucket and group, in no particular order.
  virtual std::vector<AnalyticsRow> aggregate_calls(std::string_view org_id,
                                                    const AnalyticsRequest& request) = 0;
};

}  // namespace sb::storage
