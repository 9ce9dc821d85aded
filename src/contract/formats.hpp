#pragma once
// Text checks shared by body and query validation, with class-validator's acceptance rules.

#include <optional>
#include <string>
#include <string_view>

namespace sb::contract {

/// ISO 8601 / RFC 3339 as IsISO8601 accepts it: a date (2024-01-15), optionally followed by
/// `T` or a space and hh:mm[:ss[.fraction]], optionally followed by Z or ±hh[:mm].
bool is_iso8601(std::string_view text);

/// 8-4-4-4-12 hexadecimal digits, any version.
bool is_uuid(std::string_view text);

/// An absolute URL: a scheme (http, https, ws, wss, sip, …), ':' and a non-empty rest without
/// whitespace; web schemes need `//` and a host.
bool is_url(std::string_view text);

/// A finite decimal number as a query string carries it ("12", "-0.5", "1e3"); nullopt for
/// anything else ("", "abc", "0x10", "Infinity").
std::optional<double> parse_decimal(std::string_view text);

/// The number as JavaScript prints it: 1000 not 1000.0, 0.5 stays 0.5.
std::string js_number(double value);

}  // namespace sb::contract
