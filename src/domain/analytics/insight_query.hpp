#pragma once
// POST /reporting/insight/{id}/run and /reporting/insight/preview: an insight (bar, line, pie,
// text; its queries, filters, groupBy and timeRange) compiled to the analytics engine's
// queries (analytics_query.hpp), and the answer in the run's formatPlan (raw or recharts).

#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "domain/analytics/analytics_query.hpp"
#include "domain/analytics/insight_formula.hpp"

namespace sb::analytics {

struct InsightPlan {
  struct Formula {
    std::string name;  ///< as given, or "Formula N"
    InsightFormula expression;
  };
  std::string type;               ///< bar, line, pie, text
  std::string format;             ///< raw, recharts
  std::string group_name;         ///< the insight's groupBy, or empty
  std::vector<Query> queries;     ///< one per insight query, its aggregate named "value"
  std::vector<Formula> formulas;  ///< formulas (bar, line, pie) or the formula (text)
};

/// Compiles `insight` (a stored Insight or a preview's body) with the run's `run` options
/// (InsightRunDTO: formatPlan, timeRangeOverride, assistantId; may be null). Throws ApiError:
/// 400 for what the document forbids. Queries on the events table count the events live
/// calls recorded (insight_events.hpp); they are a bar insight's.
InsightPlan plan_insight(const boost::json::object& insight, const boost::json::object* run,
                         EpochMs now);

/// The run's `result`: raw, one AnalyticsQueryResult per query, then one per formula (its points
/// those of the queries it reads); recharts, one point per date (bar, line) or one slice per
/// series (pie, text), each series a query — a formula when the insight has formulas — or a
/// group of it. A formula's point lacking a query's row reads 0 for a count or a sum (no calls)
/// and no value for an average, minimum or maximum; a point without a value is null.
boost::json::array format_insight(const InsightPlan& plan, const boost::json::array& results);

}  // namespace sb::analytics
