#pragma once
// POST /reporting/insight/{id}/run and /reporting/insight/preview: an insight (bar, line, pie,
// text; its queries, filters, groupBy and timeRange) compiled to the analytics engine's
// queries (analytics_query.hpp), and the answer in the run's formatPlan (raw or recharts).

#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "domain/analytics/analytics_query.hpp"

namespace sb::analytics {

struct InsightPlan {
  std::string type;            ///< bar, line, pie, text
  std::string format;          ///< raw, recharts
  std::string group_name;      ///< the insight's groupBy, or empty
  std::vector<Query> queries;  ///< one per insight query, its aggregate named "value"
};

/// Compiles `insight` (a stored Insight or a preview's body) with the run's `run` options
/// (InsightRunDTO: formatPlan, timeRangeOverride, assistantId; may be null). Throws ApiError:
/// 400 for what the document forbids, 501 for what this server does not compute (formulas,
/// structured-output columns, the events table).
InsightPlan plan_insight(const boost::json::object& insight, const boost::json::object* run,
                         EpochMs now);

/// The run's `result`: raw, one AnalyticsQueryResult per query; recharts, one point per date
/// (bar, line) or one slice per series (pie, text), each series a query or a group of it.
boost::json::array format_insight(const InsightPlan& plan, const boost::json::array& results);

}  // namespace sb::analytics
