#include "contract/checks.hpp"

#include <cmath>

#include "contract/formats.hpp"
#include "core/utf8.hpp"

namespace sb::contract {
namespace {

bool matches(const Pattern& p, std::string_view value) {
  if (value.size() > kMaxPatternInput) return false;
  return std::regex_search(value.begin(), value.end(), p.regex);  // RegExp.test semantics
}

bool format_ok(Format f, std::string_view value) {
  switch (f) {
    case Format::kUuid:
      return is_uuid(value);
    case Format::kDateTime:
      return is_iso8601(value);
    case Format::kUri:
      return is_url(value);
    case Format::kNone:
      return true;
  }
  return true;
}

Code format_code(Format f) {
  switch (f) {
    case Format::kUuid:
      return Code::kUuid;
    case Format::kDateTime:
      return Code::kDateTime;
    default:
      return Code::kUri;
  }
}

}  // namespace

std::uint32_t string_failures(const Schema& s, std::string_view value) {
  std::uint32_t failed = 0;
  if (s.enumeration && !s.enumeration->contains(value)) failed |= bit(Code::kEnum);
  if (s.min_length > 0 || s.max_length != kUnbounded) {
    const std::size_t n = utf8::length(value);  // code points, as validator.js counts
    if (n < s.min_length) failed |= bit(Code::kMinLength);
    if (n > s.max_length) failed |= bit(Code::kMaxLength);
  }
  if (!format_ok(s.format, value)) failed |= bit(format_code(s.format));
  if (s.pattern && !matches(*s.pattern, value)) failed |= bit(Code::kPattern);
  return failed;
}

std::uint32_t number_failures(const Schema& s, double value) {
  if (!std::isfinite(value)) return bit(s.kind == Kind::kInteger ? Code::kInteger : Code::kNumber);
  std::uint32_t failed = 0;
  if (s.kind == Kind::kInteger && value != std::floor(value)) failed |= bit(Code::kInteger);
  if (s.enumeration && !s.enumeration->contains(value)) failed |= bit(Code::kEnum);
  if (s.has_minimum && value < s.minimum) failed |= bit(Code::kMinimum);
  if (s.has_maximum && value > s.maximum) failed |= bit(Code::kMaximum);
  return failed;
}

}  // namespace sb::contract
