#pragma once
// POST /analytics: the rules of a query (AnalyticsQueryDTO) — which tables, columns, group-bys
// and steps exist, the time range and its zone, the result's names — and the result shape
// (AnalyticsQueryResult). The aggregation itself runs in the database
// (storage/analytics_repository.hpp); nothing here reads a call.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/time_zone.hpp"
#include "domain/analytics/time_buckets.hpp"
#include "storage/analytics_repository.hpp"

namespace sb::analytics {

constexpr std::size_t kMaxQueries = 25;
constexpr std::size_t kMaxBuckets = 1000;
constexpr std::size_t kMaxGroups = 10000;  ///< result rows per query
constexpr std::size_t kMaxHistoryValues = 10000;
/// A request's queries together answer within this, or the request fails (503).
constexpr std::chrono::milliseconds kDeadline{10000};

struct TimeWindow {
  EpochMs start = 0;
  EpochMs end = 0;
  Step step = Step::kWhole;
  std::string step_name;  ///< as given; empty without a step
  std::string zone_name = "UTC";
  std::shared_ptr<const TimeZone> zone;
};

struct Query {
  std::string name;
  TimeWindow window;
  std::vector<std::string> group_names;  ///< result keys, one per request.group_paths
  std::vector<std::string> aliases;      ///< result keys, one per request.aggregates
  storage::AnalyticsRequest request;     ///< buckets, groups, aggregates (timeout unset)
  std::vector<TimeBucket> buckets;       ///< as request.buckets, with their starts
};

/// Parses and checks one AnalyticsQuery; throws ApiError (400) naming what is wrong. `where`
/// prefixes messages ("queries.0").
Query parse_query(const boost::json::object& query, EpochMs now, const std::string& where);

/// Parses AnalyticsQueryDTO: every query, or the first error.
std::vector<Query> parse_request(const boost::json::value& body, EpochMs now);

/// Parses a TimeRange-like object (start, end, step, timezone; each optional; relative
/// "-7d"/"now" accepted when `relative`), defaults as the document says.
TimeWindow parse_window(const boost::json::object* range, EpochMs now, const std::string& where,
                        bool relative);

/// Fills query.buckets and request.buckets from the window; 400 past kMaxBuckets.
void make_buckets(Query& query, const std::string& where);

/// AnalyticsQueryResult from the rows the database returned: groups in order of bucket, then
/// of their values (absent last).
boost::json::object format_result(const Query& query, std::vector<storage::AnalyticsRow> rows);

/// Runs every query of a request within kDeadline (or `deadline`), in order.
boost::json::array run_queries(storage::AnalyticsRepository& repository, std::string_view org_id,
                               std::vector<Query> queries,
                               std::chrono::milliseconds deadline = kDeadline);

}  // namespace sb::analytics
