#include "core/text.hpp"

#include <locale.h>
#include <wctype.h>

#include "core/utf8.hpp"

namespace sb {
namespace {

// glibc's C.UTF-8 locale carries Unicode's case mappings; created once, used read-only.
locale_t unicode_ctype() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

}  // namespace

std::string fold_case(std::string_view s) {
  const locale_t loc = unicode_ctype();
  std::string out;
  out.reserve(s.size());
  // Only well-formed sequences are folded: an overlong form, a surrogate or a value above
  // U+10FFFF would be re-encoded differently ("\xC1\x81" would fold to "a", "\xC0\xAF" to
  // "/"), while bytes that are not UTF-8 must be kept as they are.
  for (std::size_t i = 0; i < s.size();) {
    const auto decoded = utf8::decode_at(s, i);
    if (!decoded) {
      out.push_back(s[i++]);
      continue;
    }
    const char32_t cp = decoded->code_point;
    if (cp < 0x80) {
      out.push_back(cp >= 'A' && cp <= 'Z' ? static_cast<char>(cp + 32) : static_cast<char>(cp));
    } else if (loc) {
      utf8::append(out, static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), loc)));
    } else {
      out.append(s.substr(i, decoded->size));
    }
    i += decoded->size;
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

}  // namespace sb
