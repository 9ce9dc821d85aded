#include "core/utf8.hpp"

namespace sb::utf8 {
namespace {

// UTF-16 code units of the character led by `lead`: a 4-byte sequence needs a surrogate pair.
std::size_t utf16_units(char lead) {
  return static_cast<unsigned char>(lead) >= 0xF0 ? 2 : 1;
}

}  // namespace

std::optional<Decoded> decode_at(std::string_view text, std::size_t at) {
  if (at >= text.size()) return std::nullopt;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return Decoded{lead, 1};
  // The well-formed sequences (Unicode's Table 3-7): the lead sets the size and narrows the
  // range of the second byte, which rules out overlong forms, surrogates and values above
  // U+10FFFF without decoding them.
  std::size_t size = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return std::nullopt;  // a continuation byte, C0/C1 (always overlong) or F5 and above
  }
  if (text.size() - at < size || byte(1) < low || byte(1) > high) return std::nullopt;
  char32_t code_point = lead & (0x7F >> size);
  for (std::size_t k = 1; k < size; ++k) {
    if (!is_continuation(text[at + k])) return std::nullopt;
    code_point = (code_point << 6) | (byte(k) & 0x3F);
  }
  return Decoded{code_point, size};
}

std::optional<std::size_t> invalid_at(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto decoded = decode_at(text, i);
    if (!decoded) return i;
    i += decoded->size;
  }
  return std::nullopt;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::size_t length(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += !is_continuation(c);
  return n;
}

std::string_view prefix(std::string_view text, std::size_t count) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!is_continuation(text[i]) && seen++ == count) return text.substr(0, i);
  return text;
}

std::string_view cut(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && is_continuation(text[end])) --end;
  return text.substr(0, end);
}

std::size_t utf16_length(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text)
    if (!is_continuation(c)) n += utf16_units(c);
  return n;
}

std::string_view utf16_prefix(std::string_view text, std::size_t units) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(text[i])) continue;
    used += utf16_units(text[i]);
    if (used > units) return text.substr(0, i);
  }
  return text;
}

}  // namespace sb::utf8
