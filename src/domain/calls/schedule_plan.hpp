#pragma once
// A call's schedulePlan (SchedulePlan: earliestAt, required, and latestAt): what a request's
// plan must hold, when it is due, and the scheduled Call document an outbound request makes
// when it is not due yet. Pure.

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::calls {

struct SchedulePlan {
  std::int64_t earliest_ms = 0;
  std::optional<std::int64_t> latest_ms;
  /// Whether a call may be dialled at `now_ms`: earliestAt reached, latestAt not passed.
  bool open_at(std::int64_t now_ms) const { return now_ms >= earliest_ms && !expired_at(now_ms); }
  bool expired_at(std::int64_t now_ms) const { return latest_ms && now_ms > *latest_ms; }
};

/// The schedulePlan of a request or a stored call; nullopt when it has none, or an unreadable one.
std::optional<SchedulePlan> schedule_plan_of(const boost::json::object& holder);

/// Checks a request's schedulePlan at `now_ms`: earliestAt a date-time; latestAt, when given, a
/// date-time after earliestAt that has not passed. Throws ApiError (400) naming the field.
SchedulePlan check_schedule_plan(const boost::json::object& body, std::int64_t now_ms);

/// Whether `body` asks for a call later than `now_ms` (a schedulePlan whose earliestAt is still
/// to come); a plan already due is dialled at once.
bool scheduled_for_later(const boost::json::object& body, std::int64_t now_ms);

/// The stored Call of an outbound request scheduled for later: new_outbound_call's document
/// with status scheduled and the request's schedulePlan.
boost::json::object new_scheduled_call(std::string_view id, std::string_view org_id,
                                       const boost::json::object& body, std::string_view provider,
                                       std::int64_t now_ms);

/// The endedReason of a scheduled call whose latestAt passed before it could be dialled (the
/// server was down, or at its limit of calls): Vapi's reason for a call no worker could take.
inline constexpr std::string_view kScheduleExpiredReason =
    "call.in-progress.error-vapifault-worker-not-available";

}  // namespace sb::calls
