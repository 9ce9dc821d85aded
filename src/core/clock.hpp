#pragma once
// Wall-clock time as the API shows it: milliseconds since the Unix epoch, rendered as
// ISO-8601 UTC with milliseconds ("2024-01-15T09:30:00.000Z").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

using EpochMs = std::int64_t;

EpochMs now_ms();
std::string format_iso8601(EpochMs ms);
/// Parses RFC 3339 / ISO 8601 date-times ("2024-01-15T09:30:00Z", fractions, "+02:00"
/// offsets) and plain dates ("2024-01-15", midnight UTC). Sub-millisecond digits are
/// truncated. nullopt when the text is not a valid date-time.
std::optional<EpochMs> parse_iso8601(std::string_view text);

}  // namespace sb
