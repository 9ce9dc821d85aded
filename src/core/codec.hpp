#pragma once
// Byte encodings for headers and signatures: base64 (RFC 4648, standard alphabet) and hex.

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

}  // namespace sb
