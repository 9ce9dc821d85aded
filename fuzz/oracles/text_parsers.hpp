#pragma once
// The oracle of fuzz_text_parsers: the text parsers of core/ and domain/phone_numbers/ on the
// same bytes, each with the properties its callers rely on. Header-only and free of libFuzzer so
// the regression test (tests/unit/text_parsers_regression_test.cpp) replays committed
// reproducers through exactly the checks that caught them.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"
#include "domain/phone_numbers/number_pool.hpp"
#include "domain/phone_numbers/phone_number_rules.hpp"

namespace sb::fuzz {

/// Length of the well-formed UTF-8 sequence at `s[i]` (Unicode's definition: no overlong forms,
/// no surrogates, nothing above U+10FFFF), or 0. Written apart from core/utf8 on purpose: it is
/// the reference that core/utf8 is checked against.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char b = at(0);
  if (b < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
  if (b >= 0xc2 && b <= 0xdf) {
    len = 2;
  } else if (b >= 0xe0 && b <= 0xef) {
    len = 3;
    if (b == 0xe0) lo = 0xa0;  // overlong
    if (b == 0xed) hi = 0x9f;  // surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    len = 4;
    if (b == 0xf0) lo = 0x90;  // overlong
    if (b == 0xf4) hi = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size() || at(1) < lo || at(1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((at(k) & 0xc0) != 0x80) return 0;
  return len;
}

inline bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

inline std::string check_iso8601(std::string_view s) {
  const auto ms = parse_iso8601(s);
  if (!ms) return {};
  // What is formatted must read back as the same instant.
  const std::string text = format_iso8601(*ms);
  const auto again = parse_iso8601(text);
  if (!again) return "format_iso8601(" + std::to_string(*ms) + ") = " + text + " does not parse";
  if (*again != *ms)
    return "format_iso8601(" + std::to_string(*ms) + ") = " + text + " parses as " +
           std::to_string(*again);
  return {};
}

inline std::string check_sip_uri(std::string_view s) {
  const auto sip = phone_numbers::parse_sip_uri(s);
  if (!sip) return {};
  if (sip->user.empty() || sip->host.empty()) return "parse_sip_uri: empty user or host";
  // The user part is the uniqueness key, compared case-insensitively.
  if (sip->user != ascii_lower(sip->user) || sip->host != ascii_lower(sip->host))
    return "parse_sip_uri: user or host not lower-cased";
  const auto again = phone_numbers::parse_sip_uri("sip:" + sip->user + "@" + sip->host);
  if (!again || again->user != sip->user || again->host != sip->host)
    return "parse_sip_uri: sip:user@host of a parsed URI does not parse to itself";
  return {};
}

inline std::string check_numbers(std::string_view s) {
  const bool e164 = phone_numbers::is_e164(s);
  if (e164 && !phone_numbers::is_relaxed_number(s))
    return "an E.164 number is not a relaxed number";
  if (const auto area = phone_numbers::nanp_area_code(s)) {
    if (!e164) return "nanp_area_code of a number that is not E.164";
    if (area->size() != 3 || s.substr(2, 3) != *area || s.substr(0, 2) != "+1")
      return "nanp_area_code returned " + *area;
  }
  return {};
}

inline std::string check_number_pool(std::string_view s) {
  try {
    const auto pool = phone_numbers::NumberPool::from_lines(s);
    // Every NANP number on a line is a candidate of its area code; duplicates count once.
    std::size_t lines = 0;
    for (std::string_view rest = s; !rest.empty();) {
      const auto eol = rest.find('\n');
      std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
      ++lines;
      line = line.substr(0, line.find('#'));
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
        line.remove_prefix(1);
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
        line.remove_suffix(1);
      if (line.empty()) continue;
      const auto area = phone_numbers::nanp_area_code(line);
      if (!area) return "from_lines accepted a line that is not a NANP number";
      const auto& c = pool.candidates(*area);
      if (std::find(c.begin(), c.end(), line) == c.end())
        return "from_lines dropped " + std::string(line);
    }
    if (pool.size() > lines) return "from_lines counted more numbers than lines";
  } catch (const std::runtime_error&) {
    // The documented outcome for a bad line: the server refuses to start and says why.
  } catch (const std::exception& e) {
    return std::string("from_lines threw something else than std::runtime_error: ") + e.what();
  }
  return {};
}

inline std::string check_fold_case(std::string_view s) {
  const std::string folded = fold_case(s);
  // Bytes that are not well-formed UTF-8 are kept as they are; every well-formed run folds on
  // its own. So the folding of the whole is the folding of its parts.
  std::string expected;
  bool valid = true;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t end = i;
    while (end < s.size()) {
      const std::size_t len = utf8_sequence(s, end);
      if (len == 0) break;
      end += len;
    }
    if (end > i) {
      expected += fold_case(s.substr(i, end - i));
      i = end;
    } else {
      valid = false;
      expected.push_back(s[i++]);
    }
  }
  if (folded != expected) return "fold_case changed bytes that are not well-formed UTF-8";
  if (valid) {
    if (!is_valid_utf8(folded)) return "fold_case of valid UTF-8 is not valid UTF-8";
    // Searches fold both sides once; folding twice must not change anything.
    if (fold_case(folded) != folded) return "fold_case is not idempotent";
  }
  return {};
}

inline std::string check_ascii_lower(std::string_view s) {
  const std::string lower = ascii_lower(s);
  if (lower.size() != s.size()) return "ascii_lower changed the length";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char want = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    if (lower[i] != want) return "ascii_lower changed byte " + std::to_string(i);
  }
  return {};
}

inline std::string check_utf8(std::string_view s) {
  const auto invalid = utf8::invalid_at(s);
  if (invalid.has_value() == is_valid_utf8(s)) return "utf8::invalid_at disagrees with the oracle";
  if (invalid && (utf8_sequence(s, *invalid) != 0 || !is_valid_utf8(s.substr(0, *invalid))))
    return "utf8::invalid_at names the wrong byte";
  // The lead-byte functions stay within their bounds and never split a well-formed character.
  const std::size_t length = utf8::length(s);
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}, s.size() / 2}) {
    const auto cut = utf8::cut(s, n);
    const auto units = utf8::utf16_prefix(s, n);
    const auto chars = utf8::prefix(s, n);
    if (cut.size() > n) return "utf8::cut is longer than asked";
    if (utf8::utf16_length(units) > n) return "utf8::utf16_prefix is longer than asked";
    if (utf8::length(chars) != std::min(n, length)) return "utf8::prefix miscounts";
    if (!invalid && !(is_valid_utf8(cut) && is_valid_utf8(units) && is_valid_utf8(chars)))
      return "a prefix of valid UTF-8 split a character";
  }
  return {};
}

/// Empty when the input passes every parser's oracle, else what is wrong.
inline std::string check_text_parsers(std::string_view input) {
  for (auto check : {check_iso8601, check_sip_uri, check_numbers, check_number_pool,
                     check_fold_case, check_ascii_lower, check_utf8}) {
    if (auto failure = check(input); !failure.empty()) return failure;
  }
  return {};
}

}  // namespace sb::fuzz
