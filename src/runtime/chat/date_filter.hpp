#pragma once
// The Liquid `date` filter as LiquidJS implements it: which inputs name an instant, and its
// strftime dialect (%Y %m %d %H %M %S %L %B %b %A %a %I %l %p %P %y %e %j %q %s %u %w %U %W
// %c %x %X %z %:z %Z %%, with the flags - _ 0 ^ # and a width, as in "%-d" or "%3N").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace sb::chat {

/// LiquidJS's format when the filter is given none.
inline constexpr std::string_view kDefaultDateFormat = "%A, %B %-e, %Y at %-l:%M %P %z";

/// Formats the instant `input` names: "now" or "today" (both `now_ms`, milliseconds since the
/// epoch), a number or a string of digits (seconds since the epoch), an ISO 8601 date or
/// date-time ("2024-01-15", "2024-01-15T10:30:00Z", "2024-01-15 10:30:00+05:30"; no offset
/// means UTC), or a date like "Jan 1, 2024 12:00 PM" (the `now` built-in's form). `zone` is the
/// filter's second argument: an IANA zone name ("America/New_York") or, as in LiquidJS, a
/// number of minutes west of UTC (-330 is +05:30); anything else shows UTC. Output stops
/// growing past `max_bytes`. Returns nullopt when `input` names no instant: the filter then
/// passes its input through, as LiquidJS does.
std::optional<std::string> format_date(const boost::json::value& input, std::string_view format,
                                       const boost::json::value& zone, std::int64_t now_ms,
                                       std::size_t max_bytes);

}  // namespace sb::chat
