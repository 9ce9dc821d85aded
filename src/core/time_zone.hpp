#pragma once
// UTC offsets of IANA time zones ("America/New_York") for the template `date` filter and the
// analytics buckets, read from the system tz database (TZif files under /usr/share/zoneinfo)
// because g++ 12's libstdc++ has no std::chrono::tzdb. Instants after a file's last transition (all
// of them in "slim" files) follow the POSIX TZ rule in the file's footer.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

class TimeZone {
 public:
  /// The zone named `name`, loaded once and cached; nullptr when the name is not a zone of the
  /// database (or not a safe relative path). "UTC", "Etc/UTC" and "GMT" work without tzdata.
  /// Thread-safe.
  static std::shared_ptr<const TimeZone> find(std::string_view name);

  /// Parses the contents of a TZif file (RFC 8536, versions 1 to 4); nullopt when malformed.
  static std::optional<TimeZone> from_tzif(std::string_view bytes);

  /// Parses a POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0" or "<+0530>-5:30".
  static std::optional<TimeZone> from_posix(std::string_view rule);

  /// Seconds east of UTC in effect at `utc_seconds` (New York in January: -18000).
  int offset_at(std::int64_t utc_seconds) const;

 private:
  // A day of the year a POSIX rule switches on, and the local time it switches at.
  struct RuleDate {
    char kind = 'M';  // 'J': day 1..365 without Feb 29; 'D': day 0..365; 'M': month.week.day
    int month = 0, week = 0, weekday = 0, day = 0;
    int time = 2 * 3600;  // seconds after local midnight
  };
  struct PosixRule {
    int std_offset = 0;  // seconds east of UTC
    std::optional<int> dst_offset;
    RuleDate start, end;
  };

  static std::optional<PosixRule> parse_posix(std::string_view rule);
  int posix_offset(std::int64_t utc_seconds) const;

  std::vector<std::int64_t> transitions_;  // ascending UTC seconds
  std::vector<std::uint8_t> types_;        // index into offsets_ from each transition on
  std::vector<int> offsets_;               // seconds east of UTC per local time type
  std::optional<PosixRule> rule_;          // after the last transition
};

}  // namespace sb
