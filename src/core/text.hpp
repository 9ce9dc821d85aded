#pragma once
// Text helpers for UTF-8 strings.

#include <string>
#include <string_view>

namespace sb {

/// Lower-cases every letter Unicode gives a lower-case form ("Ångström" → "ångström"), so
/// searches match regardless of case beyond ASCII. Bytes that are not valid UTF-8 are kept as
/// they are. Thread-safe.
std::string fold_case(std::string_view utf8);

/// ASCII-only lower-casing, for identifiers such as UUIDs.
std::string ascii_lower(std::string_view text);

}  // namespace sb
