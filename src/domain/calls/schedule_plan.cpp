#include "domain/calls/schedule_plan.hpp"

#include <string>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "domain/calls/outbound_call.hpp"

namespace sb::calls {
namespace json = boost::json;

namespace {

std::optional<std::int64_t> time_at(const json::object& plan, std::string_view field) {
  const auto* value = plan.if_contains(field);
  if (!value || !value->is_string()) return std::nullopt;
  return parse_iso8601(value->as_string());
}

}  // namespace

std::optional<SchedulePlan> schedule_plan_of(const json::object& holder) {
  const auto* plan = object_at(holder, "schedulePlan");
  if (!plan) return std::nullopt;
  const auto earliest = time_at(*plan, "earliestAt");
  if (!earliest) return std::nullopt;
  return SchedulePlan{*earliest, time_at(*plan, "latestAt")};
}

SchedulePlan check_schedule_plan(const json::object& body, std::int64_t now_ms) {
  const auto* plan = object_at(body, "schedulePlan");
  if (!plan) throw ApiError::bad_request("schedulePlan must be an object with earliestAt");
  SchedulePlan out;
  if (const auto earliest = time_at(*plan, "earliestAt"))
    out.earliest_ms = *earliest;
  else
    throw ApiError::bad_request("schedulePlan.earliestAt must be an ISO 8601 date-time");
  if (!plan->contains("latestAt")) return out;
  out.latest_ms = time_at(*plan, "latestAt");
  if (!out.latest_ms)
    throw ApiError::bad_request("schedulePlan.latestAt must be an ISO 8601 date-time");
  if (*out.latest_ms <= out.earliest_ms)
    throw ApiError::bad_request("schedulePlan.latestAt must be after schedulePlan.earliestAt");
  if (*out.latest_ms <= now_ms)
    throw ApiError::bad_request("schedulePlan.latestAt has already passed (it is " +
                                format_iso8601(now_ms) + ")");
  return out;
}

bool scheduled_for_later(const json::object& body, std::int64_t now_ms) {
  const auto plan = schedule_plan_of(body);
  return plan && plan->earliest_ms > now_ms;
}

json::object new_scheduled_call(std::string_view id, std::string_view org_id,
                                const json::object& body, std::string_view provider,
                                std::int64_t now_ms) {
  auto call = new_outbound_call(id, org_id, body, provider, now_ms);
  call["status"] = "scheduled";
  call["schedulePlan"] = body.at("schedulePlan");
  return call;
}

}  // namespace sb::calls
