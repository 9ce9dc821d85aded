#pragma once
// What the carriers' media-stream messages share: counts (sequence numbers, chunks,
// timestamps) that Twilio and Telnyx spell as strings ("12") and sometimes as numbers.

#include <charconv>
#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::telephony {

/// The count at `key` however it is spelled; 0 when absent or not a count.
inline std::int64_t count_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (const auto* s = v->if_string()) {
    std::int64_t n = 0;
    std::from_chars(s->data(), s->data() + s->size(), n);
    return n;
  }
  return 0;
}

}  // namespace sb::telephony
