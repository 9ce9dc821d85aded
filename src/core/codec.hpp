#pragma once
// Byte encodings for headers, signatures and URLs: base64 (RFC 4648, standard alphabet), hex,
// and percent-encoding.

#include <optional>
#include <string>
#include <string_view>

namespace sb {

/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
/// Decodes standard base64; padding is optional, and the URL-safe alphabet ('-', '_') is
/// accepted too. nullopt on any other character or an impossible length.
std::optional<std::string> base64_decode(std::string_view text);
/// Lower-case hex of every byte.
std::string hex_encode(std::string_view bytes);
/// RFC 3986 percent-encoding of every byte but the unreserved characters (letters, digits,
/// "-._~"): a path segment, a query or form name or value.
std::string percent_encode(std::string_view text);

}  // namespace sb
