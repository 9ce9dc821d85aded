#pragma once
// Values inside the template renderer (template.hpp): JSON values borrowed from the variables
// or made by literals and filters, their text as LiquidJS's stringify gives it, and the work
// budget that bounds one render.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"

namespace sb::chat::liquid {

/// One value, after its filters, is cut at this many bytes.
inline constexpr std::size_t kMaxValueBytes = 1 << 20;

/// Bytes one render may still produce or scan in values and filters; spent, tags render "".
class Budget {
 public:
  explicit Budget(std::size_t bytes) : left_(bytes) {}
  bool exhausted() const { return left_ == 0; }
  std::size_t left() const { return left_; }
  void spend(std::size_t bytes) { left_ -= std::min(bytes, left_); }

 private:
  std::size_t left_;
};

/// A value during evaluation: borrowed from the variables, or made by a literal or a filter.
class Val {
 public:
  Val() = default;  // nil
  static Val borrow(const boost::json::value& v) {
    Val out;
    out.ref_ = &v;
    return out;
  }
  static Val own(boost::json::value v) {
    Val out;
    out.own_ = std::move(v);
    return out;
  }
  const boost::json::value& get() const { return ref_ ? *ref_ : own_; }

 private:
  const boost::json::value* ref_ = nullptr;
  boost::json::value own_;
};

/// What filters see of the render: the variables and the budget.
struct Env {
  const boost::json::object& variables;
  Budget& budget;
  const Clock& clock;  ///< "now" when the variables carry no "__now"

  /// The text of `v` (cut at kMaxValueBytes), charged to the budget.
  std::string text(const Val& v) const;
  /// The text of `args[i]`, or `fallback` when there is no such argument.
  std::string arg_text(const std::vector<Val>& args, std::size_t i,
                       std::string_view fallback) const;
  /// Milliseconds since the epoch: the "__now" variable (seconds), else the clock's.
  std::int64_t now_ms() const;
};

/// Appends the text of `v` as LiquidJS renders it: strings as they are, numbers in
/// JavaScript's shortest form, true/false, nil as "", arrays as their elements' texts joined
/// (at any depth, without recursion), objects as JSON. Stops at `limit` bytes of `out`, never
/// inside a UTF-8 character.
void append_text(const boost::json::value& v, std::string& out, std::size_t limit);

/// Appends as much of `piece` as fits under `limit` bytes of `out`, whole UTF-8 characters.
void append_capped(std::string& out, std::string_view piece, std::size_t limit);

/// JavaScript's string length (UTF-16 code units), charged to the budget (counting reads every
/// byte).
std::int64_t counted_length(std::string_view s, Budget& budget);

}  // namespace sb::chat::liquid
