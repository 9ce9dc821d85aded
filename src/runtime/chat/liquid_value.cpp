#include "runtime/chat/liquid_value.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <utility>

#include "core/json_text.hpp"
#include "core/utf8.hpp"

namespace sb::chat::liquid {
namespace json = boost::json;
namespace {

// JavaScript's Number.prototype.toString: 42, 3.5, 1e+21, 1e-7.
std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  return js_number_text(d);
}

void append_scalar(const json::value& v, std::string& out, std::size_t limit) {
  switch (v.kind()) {
    case json::kind::string:
      append_capped(out, v.get_string(), limit);
      break;
    case json::kind::int64:
      append_capped(out, std::to_string(v.get_int64()), limit);
      break;
    case json::kind::uint64:
      append_capped(out, std::to_string(v.get_uint64()), limit);
      break;
    case json::kind::double_:
      append_capped(out, format_double(v.get_double()), limit);
      break;
    case json::kind::bool_:
      append_capped(out, v.get_bool() ? "true" : "false", limit);
      break;
    default:
      break;  // null; containers are the callers'
  }
}

void append_json(const json::value& v, std::string& out, std::size_t limit) {
  append_capped(out, json_text(v), limit);
}

}  // namespace

void append_capped(std::string& out, std::string_view piece, std::size_t limit) {
  if (out.size() >= limit) return;
  out.append(utf8::cut(piece, limit - out.size()));
}

void append_text(const json::value& v, std::string& out, std::size_t limit) {
  if (!v.is_array()) {
    v.is_object() ? append_json(v, out, limit) : append_scalar(v, out, limit);
    return;
  }
  // Nested arrays are walked with an explicit stack: values may nest deeper than a thread's stack.
  std::vector<std::pair<const json::array*, std::size_t>> stack{{&v.get_array(), 0}};
  while (!stack.empty() && out.size() < limit) {
    auto& [array, next] = stack.back();
    if (next == array->size()) {
      stack.pop_back();
      continue;
    }
    const json::value& element = (*array)[next++];
    if (element.is_array()) {
      stack.emplace_back(&element.get_array(), 0);
    } else {
      append_text(element, out, limit);
    }
  }
}

std::int64_t counted_length(std::string_view s, Budget& budget) {
  budget.spend(s.size());
  return static_cast<std::int64_t>(utf8::utf16_length(s));
}

std::string Env::text(const Val& v) const {
  std::string out;
  append_text(v.get(), out, std::min(kMaxValueBytes, budget.left()));
  budget.spend(out.size());
  return out;
}

std::string Env::arg_text(const std::vector<Val>& args, std::size_t i,
                          std::string_view fallback) const {
  return i < args.size() ? text(args[i]) : std::string(fallback);
}

std::int64_t Env::now_ms() const {
  if (const auto* now = variables.if_contains("__now"); now && now->is_number()) {
    return static_cast<std::int64_t>(std::floor(now->to_number<double>() * 1000));
  }
  return clock.wall_ms();
}

}  // namespace sb::chat::liquid
