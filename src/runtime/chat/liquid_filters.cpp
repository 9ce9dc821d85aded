#include "runtime/chat/liquid_filters.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "core/text.hpp"
#include "core/utf8.hpp"
#include "runtime/chat/date_filter.hpp"

namespace sb::chat::liquid {
namespace json = boost::json;
namespace {

std::string ascii_upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool is_empty_for_default(const json::value& v) {
  return v.is_null() || (v.is_bool() && !v.get_bool()) ||
         (v.is_string() && v.get_string().empty()) || (v.is_array() && v.get_array().empty());
}

std::optional<std::int64_t> integer_arg(const std::vector<Val>& args, std::size_t i) {
  if (i >= args.size()) return std::nullopt;
  const json::value& v = args[i].get();
  if (v.is_number()) {
    const double d = v.to_number<double>();
    return std::isfinite(d) ? static_cast<std::int64_t>(std::clamp(d, -1e15, 1e15)) : 0;
  }
  if (const auto* s = v.if_string()) {
    std::int64_t n = 0;
    const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (ec == std::errc() && p == s->data() + s->size()) return n;
  }
  return std::nullopt;
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  if (from.empty()) {  // JavaScript's split(""): between every character
    for (std::size_t i = 0; i < s.size() && out.size() < kMaxValueBytes;) {
      const std::size_t len = utf8::prefix(s.substr(i), 1).size();
      if (i > 0) append_capped(out, to, kMaxValueBytes);
      append_capped(out, s.substr(i, len), kMaxValueBytes);
      i += len;
    }
    return out;
  }
  std::size_t i = 0;
  for (std::size_t hit;
       (hit = s.find(from, i)) != std::string_view::npos && out.size() < kMaxValueBytes;
       i = hit + from.size()) {
    append_capped(out, s.substr(i, hit - i), kMaxValueBytes);
    append_capped(out, to, kMaxValueBytes);
  }
  append_capped(out, s.substr(std::min(i, s.size())), kMaxValueBytes);
  return out;
}

std::string truncate(std::string s, std::int64_t length, std::string_view ellipsis) {
  if (length >= 0 && utf8::utf16_length(s) <= static_cast<std::uint64_t>(length)) return s;
  const std::int64_t keep = length - static_cast<std::int64_t>(utf8::utf16_length(ellipsis));
  s.resize(keep > 0 ? utf8::utf16_prefix(s, static_cast<std::size_t>(keep)).size() : 0);
  return s.append(ellipsis);
}

std::string join(const json::value& v, std::string_view separator, const Env& env) {
  const auto* array = v.if_array();
  if (!array) return env.text(Val::borrow(v));
  std::string out;
  for (std::size_t i = 0; i < array->size() && out.size() < kMaxValueBytes; ++i) {
    if (i > 0) append_capped(out, separator, kMaxValueBytes);
    append_text((*array)[i], out, kMaxValueBytes);
  }
  env.budget.spend(out.size());
  return out;
}

Val string_val(std::string s) {
  return Val::own(json::value(json::string(std::move(s))));
}

}  // namespace

// LiquidJS's filter of that name; an unknown one passes its input through.
Val apply_filter(std::string_view name, Val in, const std::vector<Val>& args, const Env& env) {
  if (name == "default") {
    if (!is_empty_for_default(in.get())) return in;
    return args.empty() ? Val() : args.front();
  }
  if (name == "date") {
    const bool has_format = !args.empty() && !args[0].get().is_null();
    const std::string format = has_format ? env.text(args[0]) : std::string(kDefaultDateFormat);
    auto text = format_date(in.get(), format, args.size() > 1 ? args[1].get() : json::value(),
                            env.now_ms(), kMaxValueBytes);
    return text ? string_val(std::move(*text)) : in;
  }
  if (name == "size") {
    const json::value& v = in.get();
    std::int64_t size = 0;
    if (v.is_string()) size = counted_length(v.get_string(), env.budget);
    if (v.is_array()) size = static_cast<std::int64_t>(v.get_array().size());
    if (v.is_object()) size = static_cast<std::int64_t>(v.get_object().size());
    return Val::own(json::value(size));
  }
  if (name == "join") return string_val(join(in.get(), env.arg_text(args, 0, " "), env));
  if (name == "upcase") return string_val(ascii_upper(env.text(in)));
  if (name == "downcase") return string_val(fold_case(env.text(in)));
  if (name == "capitalize") {
    const std::string s = env.text(in);
    if (s.empty()) return string_val({});
    const std::size_t first = utf8::prefix(s, 1).size();
    return string_val(ascii_upper(s.substr(0, first)) + fold_case(s.substr(first)));
  }
  if (name == "strip") {
    const std::string s = env.text(in);
    const std::size_t first = s.find_first_not_of(" \t\n\r\f\v");
    if (first == std::string::npos) return string_val({});
    return string_val(s.substr(first, s.find_last_not_of(" \t\n\r\f\v") - first + 1));
  }
  if (name == "append" || name == "prepend") {
    const std::string s = env.text(in), extra = env.arg_text(args, 0, "");
    std::string out;
    append_capped(out, name == "append" ? s : extra, kMaxValueBytes);
    append_capped(out, name == "append" ? extra : s, kMaxValueBytes);
    return string_val(std::move(out));
  }
  if (name == "replace") {
    return string_val(
        replace_all(env.text(in), env.arg_text(args, 0, ""), env.arg_text(args, 1, "")));
  }
  if (name == "truncate") {
    return string_val(
        truncate(env.text(in), integer_arg(args, 0).value_or(50), env.arg_text(args, 1, "...")));
  }
  return in;
}

}  // namespace sb::chat::liquid
