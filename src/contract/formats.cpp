#include "contract/formats.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace sb::contract {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Reads exactly `n` digits at `pos` into `out`.
bool digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!is_digit(c)) return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool eat(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

bool parse_date(std::string_view s, std::size_t& pos) {
  int year = 0, month = 0, day = 0;
  if (!digits(s, pos, 4, year) || !eat(s, pos, '-') || !digits(s, pos, 2, month)) return false;
  if (!eat(s, pos, '-') || !digits(s, pos, 2, day)) return false;
  (void)year;
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool parse_time(std::string_view s, std::size_t& pos) {
  int hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 2, hour) || !eat(s, pos, ':') || !digits(s, pos, 2, minute)) return false;
  if (hour > 23 || minute > 59) return false;
  if (eat(s, pos, ':')) {
    if (!digits(s, pos, 2, second) || second > 60) return false;  // 60: leap second
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      std::size_t start = ++pos;
      while (pos < s.size() && is_digit(s[pos])) ++pos;
      if (pos == start) return false;
    }
  }
  return true;
}

bool parse_offset(std::string_view s, std::size_t& pos) {
  if (eat(s, pos, 'Z') || eat(s, pos, 'z')) return true;
  if (!eat(s, pos, '+') && !eat(s, pos, '-')) return false;
  int hours = 0, minutes = 0;
  if (!digits(s, pos, 2, hours) || hours > 23) return false;
  if (pos == s.size()) return true;
  eat(s, pos, ':');
  return digits(s, pos, 2, minutes) && minutes <= 59;
}

bool is_web_scheme(std::string_view scheme) {
  auto lower_eq = [&](std::string_view w) {
    if (scheme.size() != w.size()) return false;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if ((scheme[i] | 0x20) != w[i]) return false;
    }
    return true;
  };
  return lower_eq("http") || lower_eq("https") || lower_eq("ws") || lower_eq("wss");
}

}  // namespace

bool is_iso8601(std::string_view s) {
  std::size_t pos = 0;
  if (!parse_date(s, pos)) return false;
  if (pos == s.size()) return true;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return false;
  ++pos;
  if (!parse_time(s, pos)) return false;
  if (pos == s.size()) return true;
  return parse_offset(s, pos) && pos == s.size();
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

bool is_url(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos || !is_alpha(s[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  std::string_view rest = s.substr(colon + 1);
  if (rest.empty()) return false;
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  if (!is_web_scheme(s.substr(0, colon))) return true;
  if (rest.substr(0, 2) != "//") return false;
  std::string_view host = rest.substr(2);
  host = host.substr(0, host.find_first_of("/?#"));
  host = host.substr(host.rfind('@') == std::string_view::npos ? 0 : host.rfind('@') + 1);
  return !host.empty() && host[0] != ':';
}

std::optional<double> parse_decimal(std::string_view s) {
  // Validate the grammar first: from_chars alone would accept "inf", "nan" and hex forms.
  std::size_t pos = 0;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
  std::size_t int_start = pos;
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  std::size_t int_digits = pos - int_start;
  std::size_t frac_digits = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t frac_start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    frac_digits = pos - frac_start;
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
    std::size_t exp_start = pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == exp_start) return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::string_view body = s[0] == '+' ? s.substr(1) : s;
  double value = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string js_number(double value) {
  if (value == 0) return "0";  // also -0, as String(-0) is "0"
  char buf[64];
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e21) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    (void)ec;
    return std::string(buf, end);
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;
  std::string out(buf, end);
  // JavaScript writes exponents without leading zeros: 1e-7, not 1e-07.
  if (auto e = out.find('e'); e != std::string::npos) {
    std::size_t digits_at = e + 2;
    while (digits_at + 1 < out.size() && out[digits_at] == '0') out.erase(digits_at, 1);
  }
  return out;
}

}  // namespace sb::contract
