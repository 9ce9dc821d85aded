#pragma once
// Wall-clock time as the API shows it: milliseconds since the Unix epoch, rendered as
// ISO-8601 UTC with milliseconds ("2024-01-15T09:30:00.000Z").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

using EpochMs = std::int64_t;

EpochMs now_ms();

/// Where time comes from. Code that waits, paces, times out or stamps passes one of these
/// down instead of reading the system's clocks, so tests can drive it with a ManualClock
/// (core/manual_clock.hpp) and no sleeps. Steady time orders and measures; wall time is what
/// the API shows and stores. Implementations are thread-safe.
class Clock {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual SteadyTime steady_now() const = 0;
  virtual EpochMs wall_ms() const = 0;
};

/// The system's clocks (std::chrono::steady_clock and now_ms()); one for the process.
const Clock& system_clock();
/// Years outside 0000-9999 are written in the expanded form JavaScript's toISOString uses
/// ("+010000-01-01T00:00:00.000Z", "-000001-…"), so whatever parse_iso8601 returns formats to
/// text it parses back.
std::string format_iso8601(EpochMs ms);
/// Parses RFC 3339 / ISO 8601 date-times ("2024-01-15T09:30:00Z", fractions, "+02:00"
/// offsets), plain dates ("2024-01-15", midnight UTC) and the expanded years format_iso8601
/// writes. Sub-millisecond digits are truncated. nullopt when the text is not a valid date-time
/// or the instant is outside JavaScript's Date range (±8.64e15 ms).
std::optional<EpochMs> parse_iso8601(std::string_view text);

}  // namespace sb
