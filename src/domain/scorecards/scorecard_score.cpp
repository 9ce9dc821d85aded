#include "domain/scorecards/scorecard_score.hpp"

#include <cmath>
#include <string_view>

#include "core/json_fields.hpp"

namespace sb::scorecards {
namespace json = boost::json;

namespace {

bool compare(double result, std::string_view comparator, double value) {
  if (comparator == "=") return result == value;
  if (comparator == "!=") return result != value;
  if (comparator == ">") return result > value;
  if (comparator == "<") return result < value;
  if (comparator == ">=") return result >= value;
  if (comparator == "<=") return result <= value;
  return false;
}

bool met(const json::object& condition, const json::value* result) {
  const auto* value = condition.if_contains("value");
  if (!result || !value) return false;
  const auto comparator = string_at(condition, "comparator");
  if (value->is_bool())
    return result->is_bool() && comparator == "=" && result->get_bool() == value->get_bool();
  if (!value->is_number() || !result->is_number() || result->is_bool()) return false;
  return compare(result->to_number<double>(), comparator, value->to_number<double>());
}

json::value number(double n) {
  if (n == std::floor(n) && std::fabs(n) < 1e15) return static_cast<std::int64_t>(n);
  return n;
}

}  // namespace

json::object score(const json::object& scorecard, const json::object& structured_outputs) {
  double total = 0;
  double max_points = 0;
  json::object metric_points;
  if (const auto* metrics = array_at(scorecard, "metrics")) {
    for (const auto& m : *metrics) {
      if (!m.is_object()) continue;
      const auto& metric = m.get_object();
      const std::string id(string_at(metric, "structuredOutputId"));
      const json::value* result = nullptr;
      if (const auto* output = object_at(structured_outputs, id))
        result = output->if_contains("result");
      double points = 0;
      if (const auto* conditions = array_at(metric, "conditions")) {
        for (const auto& c : *conditions) {
          if (!c.is_object()) continue;
          const double worth = number_at(c.get_object(), "points");
          max_points += worth;
          if (met(c.get_object(), result)) points += worth;
        }
      }
      total += points;
      const double before =
          metric_points.contains(id) ? metric_points[id].to_number<double>() : 0.0;
      metric_points[id] = number(before + points);
    }
  }
  json::object out;
  if (const auto* name = scorecard.if_contains("name"); name && name->is_string())
    out["name"] = *name;
  out["score"] = number(total);
  out["scoreNormalized"] = number(max_points > 0 ? std::ceil(total / max_points * 100.0) : 0.0);
  out["metricPoints"] = std::move(metric_points);
  return out;
}

}  // namespace sb::scorecards
