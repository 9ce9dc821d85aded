#include "domain/analytics/insight_query.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "domain/analytics/insight_events.hpp"

namespace sb::analytics {
namespace json = boost::json;
using storage::AnalyticsAggregate;
using storage::AnalyticsFilter;
using storage::AnalyticsValue;

namespace {

[[noreturn]] void bad(const std::string& message) {
  throw ApiError::bad_request(message);
}

constexpr std::string_view kStructuredOutputs = "artifact.structuredOutputs[";

// Text columns of the call table (groupBy and string filters), where they are in a call.
std::optional<std::vector<std::string>> text_column(std::string_view name) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> columns = {
      {"assistantId", {"assistantId"}},
      {"workflowId", {"workflowId"}},
      {"squadId", {"squadId"}},
      {"phoneNumberId", {"phoneNumberId"}},
      {"type", {"type"}},
      {"endedReason", {"endedReason"}},
      {"status", {"status"}},
      {"customerNumber", {"customer", "number"}},
      {"forwardedPhoneNumber", {"forwardedPhoneNumber"}},
      {"campaignId", {"campaignId"}},
      {"startedAt", {"startedAt"}},
      {"endedAt", {"endedAt"}},
  };
  const auto it = columns.find(name);
  if (it == columns.end()) return std::nullopt;
  return it->second;
}

// Number columns; the latencies are the call's artifact.performanceMetrics.
std::optional<AnalyticsValue> number_column(std::string_view name) {
  using S = AnalyticsValue::Source;
  static const std::map<std::string, AnalyticsValue, std::less<>> columns = {
      {"id", {S::kRowId, {}}},
      {"cost", {S::kNumber, {"cost"}}},
      {"duration", {S::kDuration, {}}},
      {"averageModelLatency",
       {S::kNumber, {"artifact", "performanceMetrics", "modelLatencyAverage"}}},
      {"averageVoiceLatency",
       {S::kNumber, {"artifact", "performanceMetrics", "voiceLatencyAverage"}}},
      {"averageTranscriberLatency",
       {S::kNumber, {"artifact", "performanceMetrics", "transcriberLatencyAverage"}}},
      {"averageTurnLatency",
       {S::kNumber, {"artifact", "performanceMetrics", "turnLatencyAverage"}}},
      {"averageEndpointingLatency",
       {S::kNumber, {"artifact", "performanceMetrics", "endpointingLatencyAverage"}}},
  };
  const auto it = columns.find(name);
  if (it == columns.end()) return std::nullopt;
  return it->second;
}

// artifact.structuredOutputs[ID]: the result a structured output stored on the call, at
// artifact.structuredOutputs.<ID>.result (as the docs show a call).
std::optional<std::vector<std::string>> structured_output(std::string_view column,
                                                          const std::string& where) {
  if (!column.starts_with(kStructuredOutputs)) return std::nullopt;
  auto id = column.substr(kStructuredOutputs.size());
  const bool closed = id.ends_with("]");
  if (closed) id.remove_suffix(1);
  const bool plain = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (!closed || !plain)
    bad(where + " " + std::string(column) +
        ": write artifact.structuredOutputs[ID] with the structured output's id");
  return std::vector<std::string>{"artifact", "structuredOutputs", std::string(id), "result"};
}

AnalyticsFilter::Op filter_op(std::string_view op, const std::string& where) {
  using Op = AnalyticsFilter::Op;
  static const std::map<std::string, Op, std::less<>> ops = {
      {"=", Op::kEq},
      {"!=", Op::kNe},
      {">", Op::kGt},
      {"<", Op::kLt},
      {">=", Op::kGe},
      {"<=", Op::kLe},
      {"in", Op::kIn},
      {"not_in", Op::kNotIn},
      {"contains", Op::kContains},
      {"not_contains", Op::kNotContains},
      {"is_empty", Op::kEmpty},
      {"is_not_empty", Op::kNotEmpty},
  };
  const auto it = ops.find(op);
  if (it == ops.end()) bad(where + ".operator " + std::string(op) + " is not a filter operator");
  return it->second;
}

// One value of a filter as the compiled SQL compares it.
std::string filter_value(const json::value& v, AnalyticsFilter::Type type,
                         const std::string& where) {
  if (type == AnalyticsFilter::Type::kNumber) {
    if (!v.is_number()) bad(where + " must be a number");
    return json::serialize(v);
  }
  if (!v.is_string()) bad(where + " must be a string");
  if (type == AnalyticsFilter::Type::kInstant) {
    const auto t = parse_iso8601(v.as_string());
    if (!t) bad(where + " must be an ISO 8601 date-time");
    return format_iso8601(*t);
  }
  return std::string(v.as_string());
}

// A structured output's values are numbers, strings or booleans: a number (or a list of
// them) compares as a number, the rest as text (booleans as "true"/"false").
AnalyticsFilter structured_output_filter(json::object f, std::vector<std::string> path) {
  AnalyticsFilter out;
  out.value.path = std::move(path);
  auto* value = f.if_contains("value");
  const json::value* sample = value;
  if (value && value->is_array() && !value->as_array().empty()) sample = &value->as_array()[0];
  if (sample && sample->is_number()) {
    out.type = AnalyticsFilter::Type::kNumber;
    out.value.source = AnalyticsValue::Source::kNumber;
    return out;
  }
  out.value.source = AnalyticsValue::Source::kAny;
  return out;
}

json::value booleans_as_text(const json::value& v) {
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (!v.is_array()) return v;
  json::array out;
  for (const auto& e : v.as_array()) out.push_back(booleans_as_text(e));
  return out;
}

AnalyticsFilter parse_filter(const json::object& given, const std::string& where) {
  const auto column = std::string(string_at(given, "column"));
  const auto output = structured_output(column, where + ".column");
  json::object f = given;
  if (output)
    if (auto* v = f.if_contains("value")) *v = booleans_as_text(*v);
  AnalyticsFilter out;
  out.op = filter_op(string_at(f, "operator"), where);
  if (output) {
    const auto op = out.op;
    out = structured_output_filter(f, *output);
    out.op = op;
    if (out.type == AnalyticsFilter::Type::kNumber &&
        (out.op == AnalyticsFilter::Op::kContains || out.op == AnalyticsFilter::Op::kNotContains))
      bad(where + ".operator " + std::string(string_at(f, "operator")) +
          " does not apply to numbers");
  } else if (const auto number = number_column(column);
             number && number->source != AnalyticsValue::Source::kRowId) {
    out.type = AnalyticsFilter::Type::kNumber;
    out.value = *number;
    if (out.op == AnalyticsFilter::Op::kContains || out.op == AnalyticsFilter::Op::kNotContains)
      bad(where + ".operator " + std::string(string_at(f, "operator")) +
          " does not apply to numbers");
  } else if (const auto text = text_column(column)) {
    out.type = column == "startedAt" || column == "endedAt" ? AnalyticsFilter::Type::kInstant
                                                            : AnalyticsFilter::Type::kText;
    out.value.path = *text;
  } else {
    bad(where + ".column " + column + " is not a column of the call table");
  }
  using Op = AnalyticsFilter::Op;
  if (out.op == Op::kEmpty || out.op == Op::kNotEmpty) return out;
  const auto* value = f.if_contains("value");
  if (!value) bad(where + ".value is required");
  if (out.op == Op::kIn || out.op == Op::kNotIn) {
    if (!value->is_array()) bad(where + ".value must be an array");
    for (std::size_t i = 0; i < value->as_array().size(); ++i)
      out.values.push_back(
          filter_value(value->as_array()[i], out.type, where + ".value." + std::to_string(i)));
  } else {
    out.values.push_back(filter_value(*value, out.type, where + ".value"));
  }
  return out;
}

std::vector<AnalyticsFilter> parse_filters(const json::object& q, const std::string& where) {
  std::vector<AnalyticsFilter> out;
  if (const auto* filters = array_at(q, "filters")) {
    for (std::size_t k = 0; k < filters->size(); ++k) {
      const auto* f = (*filters)[k].if_object();
      const std::string at = where + ".filters." + std::to_string(k);
      if (!f) bad(at + " must be an object");
      out.push_back(parse_filter(*f, at));
    }
  }
  return out;
}

AnalyticsAggregate parse_aggregate(const json::object& q, const std::string& where) {
  const auto column = std::string(string_at(q, "column"));
  const auto op = string_at(q, "operation");
  std::optional<AnalyticsValue> value;
  // A structured output is counted where present, whatever its type; summed and averaged
  // where it is a number.
  if (const auto output = structured_output(column, where + ".column"))
    value = AnalyticsValue{
        op == "count" ? AnalyticsValue::Source::kAny : AnalyticsValue::Source::kNumber, *output};
  else
    value = number_column(column);
  if (!value) bad(where + ".column " + column + " is not a column of the call table");
  AnalyticsAggregate out;
  out.value = *value;
  if (op == "count")
    out.op = AnalyticsAggregate::Op::kCount;
  else if (op == "average")
    out.op = AnalyticsAggregate::Op::kAvg;
  else if (op == "sum")
    out.op = AnalyticsAggregate::Op::kSum;
  else if (op == "min")
    out.op = AnalyticsAggregate::Op::kMin;
  else if (op == "max")
    out.op = AnalyticsAggregate::Op::kMax;
  else
    bad(where + ".operation must be one of count, average, sum, min, max");
  if (value->source == AnalyticsValue::Source::kRowId && out.op != AnalyticsAggregate::Op::kCount)
    bad(where + ": the id column can only be counted (operation count)");
  return out;
}

TimeWindow insight_window(const json::object& insight, const json::object* run, EpochMs now,
                          bool stepped) {
  // timeRangeOverride replaces every field; missing ones take the defaults, not the insight's.
  const json::object* range = run ? object_at(*run, "timeRangeOverride") : nullptr;
  const std::string where = range ? "timeRangeOverride" : "timeRange";
  if (!range) range = object_at(insight, "timeRange");
  json::object with_step = range ? *range : json::object{};
  if (stepped && !with_step.contains("step")) with_step["step"] = "day";
  if (!stepped) with_step.erase("step");  // pie and text: one value for the whole range
  return parse_window(&with_step, now, where, true);
}

// A text insight has one `formula`; the others a list of `formulas`.
std::vector<InsightPlan::Formula> plan_formulas(const json::object& insight,
                                                const InsightPlan& plan) {
  const bool text = plan.type == "text";
  if (text && insight.contains("formulas")) bad("a text insight takes one formula, not formulas");
  if (!text && insight.contains("formula"))
    bad("formula is a text insight's; a " + plan.type + " insight takes formulas");
  std::vector<const json::object*> given;
  std::vector<std::string> where;
  if (text) {
    if (const auto* f = insight.if_contains("formula")) {
      if (!f->is_object()) bad("formula must be an object {formula, name}");
      given.push_back(&f->as_object());
      where.push_back("formula");
    }
  } else if (const auto* list = insight.if_contains("formulas")) {
    if (!list->is_array()) bad("formulas must be an array");
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
      const auto* f = list->as_array()[i].if_object();
      if (!f) bad("formulas." + std::to_string(i) + " must be an object {formula, name}");
      given.push_back(f);
      where.push_back("formulas." + std::to_string(i));
    }
  }
  if (given.empty()) return {};
  std::vector<std::string> names;
  for (const auto& q : plan.queries) {
    if (std::find(names.begin(), names.end(), q.name) != names.end())
      bad("queries named " + q.name + " twice: a formula names each query it reads");
    names.push_back(q.name);
  }
  std::vector<InsightPlan::Formula> out;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const auto expression = string_at(*given[i], "formula");
    if (expression.empty()) bad(where[i] + ".formula is required");
    const auto name = string_at(*given[i], "name");
    out.push_back({name.empty() ? "Formula " + std::to_string(i + 1) : std::string(name),
                   InsightFormula::compile(expression, names, where[i] + ".formula")});
  }
  return out;
}

// A count or a sum over no calls is 0; an average, minimum or maximum of none has no value.
std::optional<double> when_missing(const Query& query) {
  using Op = AnalyticsAggregate::Op;
  const auto op = query.request.aggregates.front().op;
  return op == Op::kCount || op == Op::kSum ? std::optional(0.0) : std::nullopt;
}

// One formula's AnalyticsQueryResult: a point for each (date, group) of the queries it reads.
json::object formula_result(const InsightPlan& plan, const InsightPlan::Formula& formula,
                            const json::array& results) {
  struct Point {
    json::object keys;  ///< date and group, as the queries' rows have them
    std::vector<std::optional<double>> values;
  };
  // Ordered by date (ISO instants sort as time), then group value, absent last.
  using Key = std::tuple<std::string, bool, std::string>;
  std::map<Key, Point> points;
  const auto& reads = formula.expression.queries();
  for (const auto i : reads) {
    for (const auto& row : results.at(i).at("result").as_array()) {
      const auto& r = row.as_object();
      Key key;
      if (const auto* date = r.if_contains("date"); date && date->is_string())
        std::get<0>(key) = date->as_string();
      if (!plan.group_name.empty()) {
        const auto& group = r.at(plan.group_name);
        std::get<1>(key) = !group.is_string();
        if (group.is_string()) std::get<2>(key) = group.as_string();
      }
      auto& point = points[key];
      if (point.values.empty()) {
        point.keys = r;
        point.keys.erase("value");
        for (std::size_t q = 0; q < plan.queries.size(); ++q)
          point.values.push_back(when_missing(plan.queries[q]));
      }
      const auto& value = r.at("value");
      point.values[i] = value.is_number() ? std::optional(value.to_number<double>()) : std::nullopt;
    }
  }
  json::array rows;
  for (auto& [key, point] : points) {
    auto row = std::move(point.keys);
    if (const auto v = formula.expression.evaluate(point.values))
      row["value"] = *v;
    else
      row["value"] = nullptr;
    rows.push_back(std::move(row));
  }
  return {{"name", formula.name},
          {"timeRange", results.at(reads.front()).at("timeRange")},
          {"result", std::move(rows)}};
}

}  // namespace

InsightPlan plan_insight(const json::object& insight, const json::object* run, EpochMs now) {
  InsightPlan plan;
  plan.type = std::string(string_at(insight, "type"));
  if (plan.type != "bar" && plan.type != "line" && plan.type != "pie" && plan.type != "text")
    bad("type must be one of bar, line, pie, text");
  plan.format = "raw";
  if (const auto* format_plan = run ? object_at(*run, "formatPlan") : nullptr)
    if (const auto f = string_at(*format_plan, "format"); !f.empty()) plan.format = f;
  if (plan.format != "raw" && plan.format != "recharts")
    bad("formatPlan.format must be one of raw, recharts");
  const auto* queries = array_at(insight, "queries");
  if (!queries || queries->empty()) bad("queries must list at least one query");
  if (queries->size() > kMaxQueries)
    bad("queries may hold at most " + std::to_string(kMaxQueries) + " queries");
  if (plan.type == "text" && queries->size() > 1 && !insight.contains("formula"))
    bad("a text insight takes a single query (several need a formula)");

  const bool stepped = plan.type == "bar" || plan.type == "line";
  const auto window = insight_window(insight, run, now, stepped);
  plan.group_name = std::string(string_at(insight, "groupBy"));
  std::optional<std::vector<std::string>> group_path;
  if (!plan.group_name.empty()) {
    group_path = structured_output(plan.group_name, "groupBy");
    if (!group_path) group_path = text_column(plan.group_name);
    if (!group_path || plan.group_name == "startedAt" || plan.group_name == "endedAt")
      bad("groupBy " + plan.group_name + " is not a column insights group by");
  }
  const auto scope = run ? string_at(*run, "assistantId") : std::string_view();

  for (std::size_t i = 0; i < queries->size(); ++i) {
    const std::string where = "queries." + std::to_string(i);
    const auto* q = (*queries)[i].if_object();
    if (!q) bad(where + " must be an object");
    Query query;
    const auto name = string_at(*q, "name");
    query.name = name.empty() ? "Query " + std::to_string(i + 1) : std::string(name);
    query.window = window;
    query.aliases = {"value"};
    const auto table = string_at(*q, "table");
    if (table == "events") {
      // The document offers the events table to bar insights only.
      if (plan.type != "bar") bad(where + ": queries on the events table are a bar insight's");
      auto events = parse_event_query(*q, where);
      query.request.events = std::move(events.events);
      query.request.aggregates.push_back(events.aggregate);
    } else if (table == "call") {
      query.request.aggregates.push_back(parse_aggregate(*q, where));
      query.request.filters = parse_filters(*q, where);
    } else {
      bad(where + ".table must be call or events");
    }
    // An event query groups by, and is scoped by, the column of the event's call.
    if (group_path) {
      query.group_names.push_back(plan.group_name);
      query.request.group_paths.push_back(*group_path);
    }
    if (!scope.empty()) {
      AnalyticsFilter only;
      only.value.path = {"assistantId"};
      only.values = {std::string(scope)};
      query.request.filters.push_back(std::move(only));
    }
    make_buckets(query, "timeRange");
    query.request.max_rows = kMaxGroups;
    plan.queries.push_back(std::move(query));
  }
  plan.formulas = plan_formulas(insight, plan);
  return plan;
}

json::array format_insight(const InsightPlan& plan, const json::array& results) {
  json::array formulas;
  for (const auto& formula : plan.formulas)
    formulas.push_back(formula_result(plan, formula, results));
  if (plan.format == "raw") {
    auto out = results;
    for (auto& f : formulas) out.push_back(std::move(f));
    return out;
  }
  // With formulas, the queries are their inputs and the formulas are what the insight shows.
  const auto& shown = plan.formulas.empty() ? results : formulas;
  // A series per query (or formula), or per group of it when the insight groups.
  const bool several = shown.size() > 1;
  const auto series = [&](const json::object& source, const json::object& row) -> std::string {
    const std::string name(source.at("name").as_string());
    if (plan.group_name.empty()) return name;
    const auto& g = row.at(plan.group_name);
    const std::string group = g.is_string() ? std::string(g.as_string()) : "none";
    return several ? name + ": " + group : group;
  };
  json::array out;
  if (plan.type == "bar" || plan.type == "line") {
    std::map<std::string, json::object> points;  // ISO dates sort as time
    for (const auto& source : shown)
      for (const auto& row : source.at("result").as_array()) {
        const auto& r = row.as_object();
        const std::string date(r.at("date").as_string());
        auto& point = points[date];
        point["date"] = date;
        point[series(source.as_object(), r)] = r.at("value");
      }
    for (auto& [date, point] : points) out.push_back(std::move(point));
    return out;
  }
  for (const auto& source : shown)
    for (const auto& row : source.at("result").as_array())
      out.push_back(json::object{{"name", series(source.as_object(), row.as_object())},
                                 {"value", row.as_object().at("value")}});
  return out;
}

}  // namespace sb::analytics
