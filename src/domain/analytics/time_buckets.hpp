#pragma once
// The time buckets of an analytics query: where each step (day, week, month, ...) begins in
// the query's time zone, computed here from the tz database (core/time_zone.hpp) so both
// storage backends group by the same UTC instants, passed to them as bound values.
//
// Day and longer steps follow the zone's calendar: a day bucket runs from one local midnight
// to the next (23 or 25 hours across a daylight-saving change), weeks begin on Monday,
// quarters in January/April/July/October, decades in years ending in 0, centuries and
// millennia in years ending in 01 (as PostgreSQL's date_trunc). Shorter steps are fixed
// lengths of UTC time, aligned to the zone's local clock at the range's start.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/time_zone.hpp"

namespace sb::analytics {

enum class Step {
  kWhole,  ///< no step: one bucket for the whole range
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
};

/// "day" → kDay; nullopt for a name the API does not have.
std::optional<Step> step_named(std::string_view name);

struct TimeBucket {
  EpochMs start = 0;  ///< where the step begins (the result's `date`), at or before lo
  EpochMs lo = 0;     ///< [lo, hi): the part of the step inside the query's range
  EpochMs hi = 0;
};

/// The buckets covering [from, to) (from < to), in order; nullopt when there would be more
/// than `max`.
std::optional<std::vector<TimeBucket>> time_buckets(EpochMs from, EpochMs to, Step step,
                                                    const TimeZone& zone, std::size_t max);

}  // namespace sb::analytics
