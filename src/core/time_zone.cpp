#include "core/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "core/civil_time.hpp"

namespace sb {
namespace {

constexpr std::string_view kZoneDir = "/usr/share/zoneinfo/";
constexpr std::size_t kMaxZoneFileBytes = 1 << 20;  // real ones are a few KiB
constexpr std::size_t kMaxCachedZones = 1024;       // names looked up, found or not
constexpr std::int64_t kSecondsPerDay = 86400;

// A relative path of plain components: no "..", no hidden or absolute paths.
bool safe_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '/' || name.back() == '/') {
    return false;
  }
  char previous = '/';
  for (const char c : name) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                       c == '+' || c == '/' || c == '.';
    if (!plain || (previous == '/' && (c == '.' || c == '/'))) return false;
    previous = c;
  }
  return true;
}

std::optional<std::string> read_zone_file(std::string_view name) {
  std::ifstream in(std::string(kZoneDir) + std::string(name), std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes(kMaxZoneFileBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const auto got = static_cast<std::size_t>(in.gcount());
  if (got == 0 || got > kMaxZoneFileBytes) return std::nullopt;
  bytes.resize(got);
  return bytes;
}

// Big-endian fields of a TZif file; a read past the end sets `ok` false and yields 0.
struct Reader {
  std::string_view bytes;
  std::size_t pos = 0;
  bool ok = true;

  bool has(std::uint64_t n) const { return ok && n <= bytes.size() - pos; }
  std::uint64_t unsigned_field(int width) {
    if (!has(static_cast<std::uint64_t>(width))) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[pos++]);
    return v;
  }
  std::int64_t signed_field(int width) {
    const std::uint64_t v = unsigned_field(width);
    return width == 4 ? static_cast<std::int32_t>(static_cast<std::uint32_t>(v))
                      : static_cast<std::int64_t>(v);
  }
  void skip(std::uint64_t n) {
    if (has(n)) {
      pos += n;
    } else {
      ok = false;
    }
  }
};

struct TzifHeader {
  char version = 0;
  std::uint64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  std::uint64_t data_bytes(int time_width) const {
    return timecnt * time_width + timecnt + typecnt * 6 + charcnt + leapcnt * (time_width + 4) +
           isstdcnt + isutcnt;
  }
};

std::optional<TzifHeader> read_header(Reader& r) {
  if (!r.has(44) || r.bytes.substr(r.pos, 4) != "TZif") return std::nullopt;
  TzifHeader h;
  h.version = r.bytes[r.pos + 4];
  r.skip(20);
  for (std::uint64_t* count :
       {&h.isutcnt, &h.isstdcnt, &h.leapcnt, &h.timecnt, &h.typecnt, &h.charcnt}) {
    *count = r.unsigned_field(4);
  }
  if (!r.ok || h.typecnt == 0 || h.typecnt > 256) return std::nullopt;
  return h;
}

// "[+-]hh[:mm[:ss]]" at `s[i]`, advancing `i`; hours up to `max_hours`.
std::optional<int> parse_hms(std::string_view s, std::size_t& i, int max_hours) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  int total = 0;
  for (int part = 0; part < 3; ++part) {
    if (part > 0 && (i >= s.size() || s[i] != ':')) break;
    if (part > 0) ++i;
    int value = 0, digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && digits < 3) {
      value = value * 10 + (s[i++] - '0');
      ++digits;
    }
    if (digits == 0 || (part == 0 && value > max_hours) || (part > 0 && value > 59)) {
      return std::nullopt;
    }
    total += value * (part == 0 ? 3600 : part == 1 ? 60 : 1);
  }
  return sign * total;
}

// A zone abbreviation: three or more letters, or anything between '<' and '>'.
bool skip_abbreviation(std::string_view s, std::size_t& i) {
  const std::size_t start = i;
  if (i < s.size() && s[i] == '<') {
    const std::size_t close = s.find('>', i);
    if (close == std::string_view::npos || close - i < 4) return false;
    i = close + 1;
    return true;
  }
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  return i - start >= 3;
}

std::optional<int> parse_number(std::string_view s, std::size_t& i, int max) {
  int value = 0, digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && digits < 4) {
    value = value * 10 + (s[i++] - '0');
    ++digits;
  }
  if (digits == 0 || value > max) return std::nullopt;
  return value;
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  {
    std::lock_guard lock(mutex);
    if (const auto it = cache.find(name); it != cache.end()) return it->second;
  }
  std::shared_ptr<const TimeZone> zone;
  if (name == "UTC" || name == "Etc/UTC" || name == "GMT") {
    zone = std::make_shared<const TimeZone>(*from_posix("UTC0"));
  } else if (safe_zone_name(name)) {
    if (const auto bytes = read_zone_file(name)) {
      if (auto parsed = from_tzif(*bytes)) zone = std::make_shared<const TimeZone>(*parsed);
    }
  }
  std::lock_guard lock(mutex);
  if (cache.size() < kMaxCachedZones) cache.emplace(std::string(name), zone);
  return zone;
}

std::optional<TimeZone> TimeZone::from_tzif(std::string_view bytes) {
  Reader r{bytes};
  auto header = read_header(r);
  if (!header) return std::nullopt;
  int time_width = 4;
  if (header->version >= '2') {  // skip the 32-bit block: the 64-bit one follows
    r.skip(header->data_bytes(4));
    header = read_header(r);
    if (!header) return std::nullopt;
    time_width = 8;
  }
  const TzifHeader& h = *header;
  if (!r.has(h.data_bytes(time_width))) return std::nullopt;

  TimeZone zone;
  for (std::uint64_t k = 0; k < h.timecnt; ++k) {
    zone.transitions_.push_back(r.signed_field(time_width));
  }
  for (std::uint64_t k = 0; k < h.timecnt; ++k) {
    const auto type = r.unsigned_field(1);
    if (type >= h.typecnt) return std::nullopt;
    zone.types_.push_back(static_cast<std::uint8_t>(type));
  }
  for (std::uint64_t k = 0; k < h.typecnt; ++k) {
    const std::int64_t offset = r.signed_field(4);
    r.skip(2);  // isdst, abbreviation index
    if (offset < -89999 || offset > 93599) return std::nullopt;
    zone.offsets_.push_back(static_cast<int>(offset));
  }
  if (!std::is_sorted(zone.transitions_.begin(), zone.transitions_.end())) return std::nullopt;
  r.skip(h.charcnt + h.leapcnt * (time_width + 4) + h.isstdcnt + h.isutcnt);
  if (!r.ok) return std::nullopt;

  if (time_width == 8 && r.pos < bytes.size() && bytes[r.pos] == '\n') {
    const std::size_t end = bytes.find('\n', r.pos + 1);
    if (end != std::string_view::npos && end > r.pos + 1) {
      zone.rule_ = parse_posix(bytes.substr(r.pos + 1, end - r.pos - 1));
    }
  }
  return zone;
}

std::optional<TimeZone> TimeZone::from_posix(std::string_view rule) {
  auto parsed = parse_posix(rule);
  if (!parsed) return std::nullopt;
  TimeZone zone;
  zone.rule_ = std::move(parsed);
  return zone;
}

std::optional<TimeZone::PosixRule> TimeZone::parse_posix(std::string_view s) {
  std::size_t i = 0;
  PosixRule rule;
  if (!skip_abbreviation(s, i)) return std::nullopt;
  const auto std_offset = parse_hms(s, i, 24);  // POSIX offsets count hours west of UTC
  if (!std_offset) return std::nullopt;
  rule.std_offset = -*std_offset;
  if (i == s.size()) return rule;

  if (!skip_abbreviation(s, i)) return std::nullopt;
  rule.dst_offset = rule.std_offset + 3600;
  if (i < s.size() && s[i] != ',') {
    const auto dst_offset = parse_hms(s, i, 24);
    if (!dst_offset) return std::nullopt;
    rule.dst_offset = -*dst_offset;
  }
  if (i == s.size()) {  // POSIX leaves the default rule to the implementation: the US one
    rule.start = {'M', 3, 2, 0, 0, 2 * 3600};
    rule.end = {'M', 11, 1, 0, 0, 2 * 3600};
    return rule;
  }
  for (RuleDate* date : {&rule.start, &rule.end}) {
    if (i >= s.size() || s[i] != ',') return std::nullopt;
    ++i;
    std::optional<int> a, b, c;
    if (i < s.size() && s[i] == 'M') {
      ++i;
      a = parse_number(s, i, 12);
      if (!a || i >= s.size() || s[i++] != '.') return std::nullopt;
      b = parse_number(s, i, 5);
      if (!b || i >= s.size() || s[i++] != '.') return std::nullopt;
      c = parse_number(s, i, 6);
      if (!c || *a < 1 || *b < 1) return std::nullopt;
      *date = {'M', *a, *b, *c, 0, 2 * 3600};
    } else {
      const bool julian = i < s.size() && s[i] == 'J';
      if (julian) ++i;
      a = parse_number(s, i, 365);
      if (!a || (julian && *a < 1)) return std::nullopt;
      *date = {julian ? 'J' : 'D', 0, 0, 0, *a, 2 * 3600};
    }
    if (i < s.size() && s[i] == '/') {
      ++i;
      const auto time = parse_hms(s, i, 167);
      if (!time) return std::nullopt;
      date->time = *time;
    }
  }
  if (i != s.size()) return std::nullopt;
  return rule;
}

int TimeZone::offset_at(std::int64_t utc_seconds) const {
  const bool after_last = transitions_.empty() || utc_seconds >= transitions_.back();
  if (rule_ && after_last) return posix_offset(utc_seconds);
  if (offsets_.empty()) return 0;
  if (transitions_.empty() || utc_seconds < transitions_.front()) return offsets_.front();
  const auto next = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  return offsets_[types_[static_cast<std::size_t>(next - transitions_.begin()) - 1]];
}

int TimeZone::posix_offset(std::int64_t utc_seconds) const {
  const PosixRule& rule = *rule_;
  if (!rule.dst_offset) return rule.std_offset;
  const std::int64_t year =
      civil::civil_from_days(civil::floor_div(utc_seconds + rule.std_offset, kSecondsPerDay)).year;
  // Local seconds since the epoch at which `date` switches in `year`.
  const auto local_switch = [year](const RuleDate& date) {
    const std::int64_t jan1 = civil::days_from_civil(year, 1, 1);
    std::int64_t day = jan1 + date.day;
    if (date.kind == 'J') {
      day = jan1 + date.day - 1 + (civil::is_leap(year) && date.day >= 60 ? 1 : 0);
    } else if (date.kind == 'M') {
      const std::int64_t first = civil::days_from_civil(year, date.month, 1);
      std::int64_t dom = 1 + (date.weekday - civil::weekday(first) + 7) % 7 + 7 * (date.week - 1);
      while (dom > civil::days_in_month(year, date.month)) dom -= 7;
      day = first + dom - 1;
    }
    return day * kSecondsPerDay + date.time;
  };
  const std::int64_t start = local_switch(rule.start) - rule.std_offset;
  const std::int64_t end = local_switch(rule.end) - *rule.dst_offset;
  const bool dst = start < end ? utc_seconds >= start && utc_seconds < end
                               : !(utc_seconds >= end && utc_seconds < start);
  return dst ? *rule.dst_offset : rule.std_offset;
}

}  // namespace sb
