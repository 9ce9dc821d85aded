#include "domain/analytics/insight_events.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "domain/calls/call_events.hpp"

namespace sb::analytics {
namespace json = boost::json;
using storage::AnalyticsFilter;
using Kind = calls::events::Field::Kind;

namespace {

[[noreturn]] void bad(const std::string& message) {
  throw ApiError::bad_request(message);
}

const char* kind_name(Kind kind) {
  return kind == Kind::kText ? "a string" : kind == Kind::kNumber ? "a number" : "a boolean";
}

Kind value_kind(const json::value& v, const std::string& where) {
  if (v.is_string()) return Kind::kText;
  if (v.is_number()) return Kind::kNumber;
  if (v.is_bool()) return Kind::kBoolean;
  bad(where + ".value must be a string, a number or a boolean");
}

// The operators each kind of condition allows, as the document lists them.
AnalyticsFilter::Op condition_op(std::string_view op, Kind kind, const std::string& where) {
  using Op = AnalyticsFilter::Op;
  if (op == "=") return Op::kEq;
  if (kind == Kind::kText) {
    if (op == "!=") return Op::kNe;
    if (op == "contains") return Op::kContains;
    if (op == "notContains") return Op::kNotContains;
    bad(where + ".operator must be one of =, !=, contains, notContains for a string value");
  }
  if (kind == Kind::kNumber) {
    if (op == "!=") return Op::kNe;
    if (op == ">") return Op::kGt;
    if (op == ">=") return Op::kGe;
    if (op == "<") return Op::kLt;
    if (op == "<=") return Op::kLe;
    bad(where + ".operator must be one of =, !=, >, >=, <, <= for a number value");
  }
  bad(where + ".operator must be = for a boolean value");
}

// The column must be a field `on`'s events carry here (any plain name for a type never
// recorded: nothing matches it anyway), holding values of the condition's kind.
void check_column(const std::string& column, Kind kind, const std::string& on,
                  const std::string& where) {
  const bool plain = !column.empty() && column.size() <= 100 &&
                     std::all_of(column.begin(), column.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                     });
  if (!plain) bad(where + ".column must be the name of a field of the event's data");
  const auto* fields = calls::events::recorded_fields(on);
  if (!fields) return;
  std::string names;
  for (const auto& f : *fields) {
    if (f.name == column) {
      if (f.kind != kind)
        bad(where + ".value: " + column + " of " + on + " is " + kind_name(f.kind));
      return;
    }
    names += (names.empty() ? "" : ", ") + std::string(f.name);
  }
  bad(where + ".column " + column + " is not a field of " + on + " events" +
      (names.empty() ? " (they carry none)" : " (they carry " + names + ")"));
}

AnalyticsFilter parse_condition(const json::object& f, const std::string& on,
                                const std::string& where) {
  const auto* value = f.if_contains("value");
  if (!value) bad(where + ".value is required");
  const auto kind = value_kind(*value, where);
  const std::string column(string_at(f, "column"));
  check_column(column, kind, on, where);
  AnalyticsFilter out;
  out.op = condition_op(string_at(f, "operator"), kind, where);
  out.value.path = {column};
  if (kind == Kind::kNumber) {
    out.type = AnalyticsFilter::Type::kNumber;
    out.value.source = storage::AnalyticsValue::Source::kNumber;
    out.values = {json::serialize(*value)};
  } else if (kind == Kind::kBoolean) {
    out.values = {value->as_bool() ? "true" : "false"};  // booleans read as text
  } else {
    out.values = {std::string(value->as_string())};
  }
  return out;
}

}  // namespace

EventQuery parse_event_query(const json::object& q, const std::string& where) {
  EventQuery out;
  out.events.type = std::string(string_at(q, "on"));
  if (out.events.type.empty()) bad(where + ".on is required: the event type to count");
  const auto op = string_at(q, "operation");
  if (op == "count")
    out.aggregate.op = storage::AnalyticsAggregate::Op::kCount;
  else if (op == "percentage")
    out.aggregate.op = storage::AnalyticsAggregate::Op::kPercentage;
  else
    bad(where + ".operation must be count or percentage for the events table");
  if (const auto* filters = array_at(q, "filters")) {
    for (std::size_t k = 0; k < filters->size(); ++k) {
      const std::string at = where + ".filters." + std::to_string(k);
      const auto* f = (*filters)[k].if_object();
      if (!f) bad(at + " must be an object");
      out.events.data_filters.push_back(parse_condition(*f, out.events.type, at));
    }
  }
  return out;
}

}  // namespace sb::analytics
