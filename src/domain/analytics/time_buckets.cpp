#include "domain/analytics/time_buckets.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "core/civil_time.hpp"

namespace sb::analytics {
namespace {

constexpr std::int64_t kSecondMs = 1000;
constexpr std::int64_t kDayMs = 86400 * kSecondMs;

constexpr std::array<std::pair<std::string_view, Step>, 11> kSteps{{
    {"second", Step::kSecond},
    {"minute", Step::kMinute},
    {"hour", Step::kHour},
    {"day", Step::kDay},
    {"week", Step::kWeek},
    {"month", Step::kMonth},
    {"quarter", Step::kQuarter},
    {"year", Step::kYear},
    {"decade", Step::kDecade},
    {"century", Step::kCentury},
    {"millennium", Step::kMillennium},
}};

std::int64_t offset_ms(const TimeZone& zone, EpochMs utc) {
  return zone.offset_at(civil::floor_div(utc, kSecondMs)) * kSecondMs;
}

// The UTC instant of local midnight starting `days` (days since 1970-01-01 on the local
// calendar). In a gap (a zone that skips midnight) it is the instant the clocks jumped past.
EpochMs local_midnight(const TimeZone& zone, std::int64_t days) {
  const EpochMs local = days * kDayMs;
  const EpochMs guess = local - offset_ms(zone, local);
  return local - offset_ms(zone, guess);
}

// The first day of the step holding the local date `d`, as days since the epoch.
std::int64_t truncate_days(Step step, std::int64_t days) {
  const auto d = civil::civil_from_days(days);
  const auto years_floor = [&](std::int64_t size, std::int64_t first) {
    return civil::days_from_civil(civil::floor_div(d.year - first, size) * size + first, 1, 1);
  };
  switch (step) {
    case Step::kWeek:
      return days - (civil::weekday(days) + 6) % 7;  // back to Monday
    case Step::kMonth:
      return civil::days_from_civil(d.year, d.month, 1);
    case Step::kQuarter:
      return civil::days_from_civil(d.year, (d.month - 1) / 3 * 3 + 1, 1);
    case Step::kYear:
      return civil::days_from_civil(d.year, 1, 1);
    case Step::kDecade:
      return years_floor(10, 0);
    case Step::kCentury:
      return years_floor(100, 1);
    case Step::kMillennium:
      return years_floor(1000, 1);
    default:
      return days;
  }
}

// The first day of the step after the one starting on `days`.
std::int64_t next_days(Step step, std::int64_t days) {
  const auto d = civil::civil_from_days(days);
  const auto months_later = [&](std::int64_t months) {
    const std::int64_t index = d.year * 12 + (d.month - 1) + months;
    return civil::days_from_civil(civil::floor_div(index, 12),
                                  static_cast<int>(index - civil::floor_div(index, 12) * 12) + 1,
                                  1);
  };
  switch (step) {
    case Step::kDay:
      return days + 1;
    case Step::kWeek:
      return days + 7;
    case Step::kMonth:
      return months_later(1);
    case Step::kQuarter:
      return months_later(3);
    case Step::kYear:
      return months_later(12);
    case Step::kDecade:
      return months_later(120);
    case Step::kCentury:
      return months_later(1200);
    default:
      return months_later(12000);
  }
}

std::int64_t fixed_length(Step step) {
  return step == Step::kSecond   ? kSecondMs
         : step == Step::kMinute ? 60 * kSecondMs
                                 : 3600 * kSecondMs;
}

}  // namespace

std::optional<Step> step_named(std::string_view name) {
  for (const auto& [n, s] : kSteps)
    if (n == name) return s;
  return std::nullopt;
}

std::optional<std::vector<TimeBucket>> time_buckets(EpochMs from, EpochMs to, Step step,
                                                    const TimeZone& zone, std::size_t max) {
  std::vector<TimeBucket> out;
  if (from >= to || max == 0) return out;
  const auto add = [&](EpochMs start, EpochMs next) {
    out.push_back({start, std::max(start, from), std::min(next, to)});
  };
  if (step == Step::kWhole) {
    add(from, to);
    return out;
  }
  if (step == Step::kSecond || step == Step::kMinute || step == Step::kHour) {
    const std::int64_t length = fixed_length(step);
    if ((to - from) / length >= static_cast<std::int64_t>(max)) return std::nullopt;
    const std::int64_t offset = offset_ms(zone, from);
    EpochMs start = civil::floor_div(from + offset, length) * length - offset;
    for (; start < to; start += length) add(start, start + length);
  } else {
    std::int64_t days = truncate_days(step, civil::floor_div(from + offset_ms(zone, from), kDayMs));
    for (EpochMs start = local_midnight(zone, days); start < to;) {
      if (out.size() == max) return std::nullopt;
      days = next_days(step, days);
      const EpochMs next = local_midnight(zone, days);
      add(start, next);
      start = next;
    }
  }
  if (out.size() > max) return std::nullopt;
  return out;
}

}  // namespace sb::analytics
