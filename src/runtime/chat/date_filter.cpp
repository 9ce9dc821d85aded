#include "runtime/chat/date_filter.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "core/civil_time.hpp"
#include "core/time_zone.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::int64_t kMaxAbsMs = 8'640'000'000'000'000;  // JavaScript's Date range
constexpr int kMaxWidth = 64;

constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                   "Thursday", "Friday", "Saturday"};

// ---------------------------------------------------------------------------------------------
// Reading an instant

// Digits, words and punctuation of a date string, left to right.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  bool eat_any(std::string_view chars) {
    if (done() || chars.find(peek()) == std::string_view::npos) return false;
    ++i_;
    return true;
  }
  void skip_spaces() {
    while (peek() == ' ') ++i_;
  }
  /// A number of `min`..`max` digits.
  std::optional<int> digits(int min, int max) {
    int value = 0, n = 0;
    while (n < max && std::isdigit(static_cast<unsigned char>(peek()))) {
      value = value * 10 + (s_[i_++] - '0');
      ++n;
    }
    if (n < min) return std::nullopt;
    return value;
  }
  /// A run of letters, lower-cased.
  std::string word() {
    std::string w;
    while (std::isalpha(static_cast<unsigned char>(peek()))) {
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_++]))));
    }
    return w;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

struct LocalTime {
  std::int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
};

std::optional<std::int64_t> to_epoch_ms(const LocalTime& t, int offset_seconds) {
  if (t.year < -271821 || t.year > 275760 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > civil::days_in_month(t.year, t.month) || t.minute > 59 || t.second > 59 ||
      t.hour > 24 || (t.hour == 24 && (t.minute || t.second || t.millis))) {
    return std::nullopt;
  }
  const std::int64_t days = civil::days_from_civil(t.year, t.month, t.day);
  const std::int64_t ms = days * kMsPerDay + ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 +
                          t.millis - std::int64_t{offset_seconds} * 1000;
  if (std::llabs(ms) > kMaxAbsMs) return std::nullopt;
  return ms;
}

// "Z", "+05:30", "+0530" or "-05"; nullopt if none of those.
std::optional<int> read_offset(Cursor& c) {
  if (c.eat('Z') || c.eat('z')) return 0;
  const char sign = c.peek();
  if (!c.eat_any("+-")) return std::nullopt;
  const auto hours = c.digits(2, 2);
  c.eat(':');
  const auto minutes = c.digits(0, 2);
  if (!hours || *hours > 23 || !minutes || *minutes > 59) return std::nullopt;
  const int seconds = *hours * 3600 + *minutes * 60;
  return sign == '-' ? -seconds : seconds;
}

// "hh:mm[:ss[.fff]]".
bool read_clock(Cursor& c, LocalTime& t) {
  const auto hour = c.digits(1, 2);
  if (!hour || !c.eat(':')) return false;
  const auto minute = c.digits(2, 2);
  if (!minute) return false;
  t.hour = *hour;
  t.minute = *minute;
  if (c.eat(':')) {
    const auto second = c.digits(2, 2);
    if (!second) return false;
    t.second = *second;
    if (c.eat('.') || c.eat(',')) {
      int scale = 100, digits = 0;
      while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
        const int d = *c.digits(1, 1);
        t.millis += d * scale;
        scale /= 10;
        ++digits;
      }
      if (digits == 0) return false;
    }
  }
  return true;
}

// "2024-01-15", "2024-01-15T10:30", "2024-01-15 10:30:00.5+05:30", "2024/01/15".
std::optional<std::int64_t> parse_iso(std::string_view s) {
  Cursor c(s);
  LocalTime t;
  const auto year = c.digits(4, 4);
  if (!year) return std::nullopt;
  t.year = *year;
  const char separator = c.peek();
  if (!c.eat_any("-/")) return std::nullopt;
  const auto month = c.digits(1, 2);
  if (!month || !c.eat(separator)) return std::nullopt;
  const auto day = c.digits(1, 2);
  if (!day) return std::nullopt;
  t.month = *month;
  t.day = *day;
  int offset = 0;
  if (c.eat_any("Tt ")) {
    if (!read_clock(c, t)) return std::nullopt;
    c.skip_spaces();
    if (!c.done()) {
      const auto read = read_offset(c);
      if (!read) return std::nullopt;
      offset = *read;
    }
  }
  if (!c.done()) return std::nullopt;
  return to_epoch_ms(t, offset);
}

// "Jan 1, 2024", "January 1, 2024 12:00 PM", "Jan 1 2024 13:05:10".
std::optional<std::int64_t> parse_month_name(std::string_view s) {
  Cursor c(s);
  LocalTime t;
  const std::string name = c.word();
  t.month = 0;
  for (std::size_t m = 0; m < kMonths.size() && name.size() >= 3; ++m) {
    std::string full(kMonths[m]);
    full[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(full[0])));
    if (full.compare(0, name.size(), name) == 0) t.month = static_cast<int>(m) + 1;
  }
  c.skip_spaces();
  const auto day = c.digits(1, 2);
  c.eat(',');
  c.skip_spaces();
  const auto year = c.digits(4, 4);
  if (t.month == 0 || !day || !year) return std::nullopt;
  t.day = *day;
  t.year = *year;
  c.eat(',');
  c.skip_spaces();
  if (!c.done()) {
    if (!read_clock(c, t)) return std::nullopt;
    c.skip_spaces();
    const std::string meridiem = c.word();
    if (!meridiem.empty()) {
      if ((meridiem != "am" && meridiem != "pm") || t.hour < 1 || t.hour > 12) {
        return std::nullopt;
      }
      t.hour = t.hour % 12 + (meridiem == "pm" ? 12 : 0);
    }
  }
  if (!c.done()) return std::nullopt;
  return to_epoch_ms(t, 0);
}

std::optional<std::int64_t> seconds_to_ms(double seconds) {
  const double ms = std::trunc(seconds * 1000);
  if (!std::isfinite(ms) || std::fabs(ms) > static_cast<double>(kMaxAbsMs)) return std::nullopt;
  return static_cast<std::int64_t>(ms);
}

std::optional<std::int64_t> instant_of(const json::value& input, std::int64_t now_ms) {
  if (input.is_int64()) return seconds_to_ms(static_cast<double>(input.get_int64()));
  if (input.is_uint64()) return seconds_to_ms(static_cast<double>(input.get_uint64()));
  if (input.is_double()) return seconds_to_ms(input.get_double());
  if (!input.is_string()) return std::nullopt;
  const std::string_view s = input.get_string();
  if (s == "now" || s == "today") return now_ms;
  if (!s.empty() && s.size() <= 15 && s.find_first_not_of("0123456789") == std::string_view::npos) {
    return seconds_to_ms(std::strtod(std::string(s).c_str(), nullptr));
  }
  if (s.size() > 64) return std::nullopt;
  if (auto ms = parse_iso(s)) return ms;
  return parse_month_name(s);
}

// ---------------------------------------------------------------------------------------------
// Writing it

// Where the output is shown: a zone, a fixed offset, or UTC.
struct Display {
  std::shared_ptr<const TimeZone> zone;
  int fixed_offset = 0;          // seconds east of UTC, when `zone` is null
  std::string label = "UTC";     // %Z
  bool label_is_offset = false;  // %Z prints like %z (a numeric zone argument)
};

Display display_for(const json::value& zone) {
  Display d;
  if (zone.is_number()) {
    const double minutes_west = zone.to_number<double>();
    if (std::fabs(minutes_west) <= 24 * 60) {
      d.fixed_offset = -static_cast<int>(std::lround(minutes_west * 60));
      d.label_is_offset = true;
    }
  } else if (const auto* name = zone.if_string()) {
    if (auto found = TimeZone::find(*name)) {
      d.zone = std::move(found);
      d.label = std::string(*name);
    }
  }
  return d;
}

struct Fields {
  std::int64_t epoch_ms = 0;
  std::int64_t year = 0;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  int weekday = 0, yday = 0;  // 0 = Sunday; 1 = 1 January
  int offset = 0;             // seconds east of UTC
};

Fields fields_at(std::int64_t epoch_ms, const Display& display) {
  Fields f;
  f.epoch_ms = epoch_ms;
  f.offset = display.zone ? display.zone->offset_at(civil::floor_div(epoch_ms, 1000))
                          : display.fixed_offset;
  const std::int64_t local = epoch_ms + std::int64_t{f.offset} * 1000;
  const std::int64_t days = civil::floor_div(local, kMsPerDay);
  const std::int64_t ms_of_day = local - days * kMsPerDay;
  const civil::Date date = civil::civil_from_days(days);
  f.year = date.year;
  f.month = date.month;
  f.day = date.day;
  f.hour = static_cast<int>(ms_of_day / 3'600'000);
  f.minute = static_cast<int>(ms_of_day / 60'000 % 60);
  f.second = static_cast<int>(ms_of_day / 1000 % 60);
  f.millis = static_cast<int>(ms_of_day % 1000);
  f.weekday = civil::weekday(days);
  f.yday = static_cast<int>(days - civil::days_from_civil(date.year, 1, 1)) + 1;
  return f;
}

std::string ordinal_suffix(int day) {
  if (day >= 11 && day <= 13) return "th";
  switch (day % 10) {
    case 1:
      return "st";
    case 2:
      return "nd";
    case 3:
      return "rd";
    default:
      return "th";
  }
}

std::string utc_offset(int offset, bool colon) {
  const int magnitude = std::abs(offset) / 60;
  std::string out(offset < 0 ? "-" : "+");
  out += std::to_string(magnitude / 60 / 10) + std::to_string(magnitude / 60 % 10);
  if (colon) out += ':';
  out += std::to_string(magnitude % 60 / 10) + std::to_string(magnitude % 60 % 10);
  return out;
}

// JavaScript's String.prototype.slice for ASCII text: out-of-range bounds give "".
std::string slice(const std::string& s, std::size_t from, std::size_t to) {
  return from >= s.size() ? std::string() : s.substr(from, to - from);
}

int hour12(int hour) {
  return hour % 12 == 0 ? 12 : hour % 12;
}

// en-US forms of JavaScript's toLocale{Date,Time}String, which LiquidJS uses for %x and %X.
std::string locale_date(const Fields& f) {
  return std::to_string(f.month) + "/" + std::to_string(f.day) + "/" + std::to_string(f.year);
}
std::string locale_time(const Fields& f) {
  auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return std::to_string(hour12(f.hour)) + ":" + two(f.minute) + ":" + two(f.second) +
         (f.hour < 12 ? " AM" : " PM");
}

// One conversion's text before padding; nullopt for a conversion LiquidJS does not know.
std::optional<std::string> convert(char conversion, const Fields& f, const Display& display,
                                   bool colon) {
  const auto n = [](std::int64_t v) { return std::to_string(v); };
  switch (conversion) {
    case 'a':
      return std::string(kDays[f.weekday].substr(0, 3));
    case 'A':
      return std::string(kDays[f.weekday]);
    case 'b':
    case 'h':
      return std::string(kMonths[f.month - 1].substr(0, 3));
    case 'B':
      return std::string(kMonths[f.month - 1]);
    case 'c':
      return locale_date(f) + ", " + locale_time(f);
    case 'C':
      return slice(n(f.year), 0, 2);
    case 'd':
    case 'e':
      return n(f.day);
    case 'H':
    case 'k':
      return n(f.hour);
    case 'I':
    case 'l':
      return n(hour12(f.hour));
    case 'j':
      return n(f.yday);
    case 'L':
      return n(f.millis);
    case 'm':
      return n(f.month);
    case 'M':
      return n(f.minute);
    case 'p':
      return std::string(f.hour < 12 ? "AM" : "PM");
    case 'P':
      return std::string(f.hour < 12 ? "am" : "pm");
    case 'q':
      return ordinal_suffix(f.day);
    case 's':
      return n(civil::floor_div(f.epoch_ms + 500, 1000));
    case 'S':
      return n(f.second);
    case 'u':
      return n(f.weekday == 0 ? 7 : f.weekday);
    case 'U':
      return n((f.yday - 1 + 7 - f.weekday) / 7);
    case 'w':
      return n(f.weekday);
    case 'W':
      return n((f.yday - 1 + 7 - (f.weekday + 6) % 7) / 7);
    case 'x':
      return locale_date(f);
    case 'X':
      return locale_time(f);
    case 'y':
      return slice(n(f.year), 2, 4);
    case 'Y':
      return n(f.year);
    case 'z':
      return utc_offset(f.offset, colon);
    case 'Z':
      return display.label_is_offset ? utc_offset(f.offset, colon) : display.label;
    case 't':
      return std::string("\t");
    case 'n':
      return std::string("\n");
    case '%':
      return std::string("%");
    default:
      return std::nullopt;
  }
}

int default_width(char conversion) {
  switch (conversion) {
    case 'd':
    case 'e':
    case 'H':
    case 'I':
    case 'k':
    case 'l':
    case 'm':
    case 'M':
    case 'S':
    case 'U':
    case 'W':
      return 2;
    case 'j':
    case 'L':
      return 3;
    default:
      return 0;
  }
}

char default_pad(char conversion) {
  constexpr std::string_view kSpacePadded = "aAbBceklpP";
  return kSpacePadded.find(conversion) == std::string_view::npos ? '0' : ' ';
}

void change_case(std::string& text, bool upper) {
  for (char& c : text) {
    c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                : std::tolower(static_cast<unsigned char>(c)));
  }
}

// One "%[flags][width][E|O]<conversion>" at `format[i]` (the '%'), advancing `i` past it.
std::string directive(std::string_view format, std::size_t& i, const Fields& f,
                      const Display& display) {
  const std::size_t start = i++;
  std::string_view flags;
  const std::size_t flags_end = format.find_first_not_of("-_0^#:", i);
  flags = format.substr(i, (flags_end == std::string_view::npos ? format.size() : flags_end) - i);
  i += flags.size();
  int width = -1;
  while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
    width = std::min(kMaxWidth, std::max(width, 0) * 10 + (format[i++] - '0'));
  }
  if (i < format.size() && (format[i] == 'E' || format[i] == 'O')) ++i;
  if (i >= format.size()) return std::string(format.substr(start));
  const char conversion = format[i++];
  const auto has = [flags](char flag) { return flags.find(flag) != std::string_view::npos; };
  auto text = convert(conversion, f, display, has(':'));
  if (!text) return std::string(format.substr(start, i - start));
  if (has('^')) {
    change_case(*text, true);
  } else if (has('#')) {  // LiquidJS: upper-case unless there is no lower-case letter
    bool lower = false;
    for (const char c : *text) lower = lower || std::islower(static_cast<unsigned char>(c));
    change_case(*text, lower);
  }
  char pad = has('_') ? ' ' : has('0') ? '0' : default_pad(conversion);
  std::size_t target = static_cast<std::size_t>(width >= 0 ? width : default_width(conversion));
  if (has('-')) target = 0;
  if (text->size() < target) text->insert(0, target - text->size(), pad);
  return *text;
}

std::string strftime_like(std::string_view format, const Fields& f, const Display& display,
                          std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < format.size() && out.size() <= max_bytes;) {
    const std::size_t percent = format.find('%', i);
    if (percent == std::string_view::npos || percent + 1 == format.size()) {
      out.append(format.substr(i));
      break;
    }
    out.append(format.substr(i, percent - i));
    i = percent;
    out += directive(format, i, f, display);
  }
  return out;
}

}  // namespace

std::optional<std::string> format_date(const json::value& input, std::string_view format,
                                       const json::value& zone, std::int64_t now_ms,
                                       std::size_t max_bytes) {
  const auto instant = instant_of(input, now_ms);
  if (!instant) return std::nullopt;
  const Display display = display_for(zone);
  return strftime_like(format, fields_at(*instant, display), display, max_bytes);
}

}  // namespace sb::chat
