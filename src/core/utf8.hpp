#pragma once
// UTF-8, in one place. Two readings of the bytes:
// - Strict (decode_at, invalid_at): Unicode's well-formed UTF-8 — no overlong forms, no
//   surrogates, nothing above U+10FFFF, no sequence cut short. For deciding whether bytes are
//   text at all.
// - By lead bytes (length, prefix, cut, utf16_*): a character starts at every byte that is not a
//   continuation byte (10xxxxxx) and runs over the continuation bytes after it. On well-formed
//   UTF-8 these are exactly its code points; on other bytes they still count, cut and measure
//   without failing, and never cut a well-formed character in two.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sb::utf8 {

struct Decoded {
  char32_t code_point = 0;
  std::size_t size = 0;  ///< bytes of its sequence, 1 to 4
};

/// The code point whose well-formed sequence starts at `text[at]`; nullopt when none does (or
/// `at` is past the end).
std::optional<Decoded> decode_at(std::string_view text, std::size_t at);

/// Offset of the first byte of `text` that is not part of well-formed UTF-8; nullopt when it
/// all is.
std::optional<std::size_t> invalid_at(std::string_view text);

/// Appends the UTF-8 form of `code_point`, which must be a Unicode scalar value (at most
/// U+10FFFF, not a surrogate).
void append(std::string& out, char32_t code_point);

/// Whether `byte` continues a sequence (10xxxxxx) rather than leading one.
constexpr bool is_continuation(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

/// Characters (code points) in `text`.
std::size_t length(std::string_view text);

/// The first `count` characters of `text` (all of it when it has fewer).
std::string_view prefix(std::string_view text, std::size_t count);

/// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
/// character.
std::string_view cut(std::string_view text, std::size_t max_bytes);

/// JavaScript's string length: UTF-16 code units (a character of 4 bytes counts 2).
std::size_t utf16_length(std::string_view text);

/// The longest prefix of `text` of whole characters and at most `units` UTF-16 code units.
std::string_view utf16_prefix(std::string_view text, std::size_t units);

}  // namespace sb::utf8
