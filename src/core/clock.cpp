#include "core/clock.hpp"

#include <chrono>
#include <cstdio>

namespace sb {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; advances `pos`.
bool read_digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// ECMAScript's time range: ±100,000,000 days around the epoch (years -271821 to 275760).
constexpr EpochMs kMaxTime = 8'640'000'000'000'000;

// The year: four digits, or an ECMAScript expanded year ("+010000", "-000001"), which is how
// format_iso8601 writes instants outside years 0000-9999 (an offset can move a four-digit date
// there: "9999-12-31T23:00:00-02:00" is in year 10000).
bool read_year(std::string_view s, std::size_t& pos, int& year) {
  const bool negative = expect(s, pos, '-');
  if (!negative && !expect(s, pos, '+')) return read_digits(s, pos, 4, year);
  if (!read_digits(s, pos, 6, year)) return false;
  if (negative && year == 0) return false;  // "-000000" is not a year in ECMAScript either
  if (negative) year = -year;
  return true;
}

}  // namespace

namespace {
class SystemClock final : public Clock {
 public:
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
  EpochMs wall_ms() const override { return now_ms(); }
};
}  // namespace

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

EpochMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_iso8601(EpochMs ms) {
  std::int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  std::int64_t rem = ms - days * 86400000;
  // civil_from_days (Howard Hinnant)
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[48];
  // Outside years 0000-9999, the expanded form of Date.prototype.toISOString ("+010000-…"):
  // "%04lld" would write "10000-…" or "-001-…", which nothing parses back.
  std::snprintf(buf, sizeof buf,
                y >= 0 && y <= 9999 ? "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ"
                                    : "%+07lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(y), m, d, static_cast<int>(rem / 3600000),
                static_cast<int>(rem / 60000 % 60), static_cast<int>(rem / 1000 % 60),
                static_cast<int>(rem % 1000));
  return buf;
}

namespace {

// parse_iso8601 without the range check.
std::optional<EpochMs> parse_unbounded(std::string_view s) {
  std::size_t pos = 0;
  int year, month, day;
  if (!read_year(s, pos, year) || !expect(s, pos, '-') || !read_digits(s, pos, 2, month) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  EpochMs ms = days_from_civil(year, month, day) * 86400000;
  if (pos == s.size()) return ms;

  int hour, minute, second = 0;
  if (!(expect(s, pos, 'T') || expect(s, pos, 't') || expect(s, pos, ' '))) return std::nullopt;
  if (!read_digits(s, pos, 2, hour) || !expect(s, pos, ':') || !read_digits(s, pos, 2, minute))
    return std::nullopt;
  if (expect(s, pos, ':') && !read_digits(s, pos, 2, second)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  ms += (hour * 3600 + minute * 60 + second) * 1000LL;

  if (expect(s, pos, '.') || expect(s, pos, ',')) {
    int digits = 0, frac = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) frac = frac * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) frac *= 10;
    ms += frac;
  }
  if (pos == s.size()) return ms;  // no zone: read as UTC, as JavaScript's Date does for APIs
  if (expect(s, pos, 'Z') || expect(s, pos, 'z'))
    return pos == s.size() ? std::optional(ms) : std::nullopt;
  const char sign = s[pos];
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos;
  int oh, om = 0;
  if (!read_digits(s, pos, 2, oh)) return std::nullopt;
  if (expect(s, pos, ':')) {
    if (!read_digits(s, pos, 2, om)) return std::nullopt;
  } else if (pos < s.size() && !read_digits(s, pos, 2, om)) {
    return std::nullopt;
  }
  if (pos != s.size() || oh > 23 || om > 59) return std::nullopt;
  const EpochMs offset = (oh * 60 + om) * 60000LL;
  return sign == '+' ? ms - offset : ms + offset;
}

}  // namespace

std::optional<EpochMs> parse_iso8601(std::string_view s) {
  const auto ms = parse_unbounded(s);
  if (!ms || *ms < -kMaxTime || *ms > kMaxTime) return std::nullopt;
  return ms;
}

}  // namespace sb
