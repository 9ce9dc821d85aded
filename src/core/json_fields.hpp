#pragma once
// Tolerant reads of JSON objects: a missing or mistyped field reads as empty (or as the fallback
// given). For JSON from outside (LLM providers omit and null fields freely; one odd field should
// not sink a whole answer) and for stored documents whose optional fields may be absent. The one
// place for these reads: every layer, the contract included, uses them.

#include <cstdint>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb {

inline const boost::json::object* object_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

inline boost::json::object* object_at(boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

inline const boost::json::array* array_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

inline std::string_view string_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  const auto* s = v ? v->if_string() : nullptr;
  return s ? std::string_view(*s) : std::string_view();
}

/// A boolean field; `fallback` when absent or not a boolean.
inline bool bool_at(const boost::json::object& o, std::string_view key, bool fallback = false) {
  const auto* v = o.if_contains(key);
  const auto* b = v ? v->if_bool() : nullptr;
  return b ? *b : fallback;
}

/// An integer field; `fallback` when absent or not a whole number.
inline std::int64_t int_at(const boost::json::object& o, std::string_view key,
                           std::int64_t fallback = 0) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (const auto* i = v->if_int64()) return *i;
  if (const auto* u = v->if_uint64()) return static_cast<std::int64_t>(*u);
  if (const auto* d = v->if_double()) return static_cast<std::int64_t>(*d);
  return fallback;
}

/// A numeric field as a double; `fallback` when absent or not a number.
inline double number_at(const boost::json::object& o, std::string_view key, double fallback = 0) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (const auto* d = v->if_double()) return *d;
  if (const auto* i = v->if_int64()) return static_cast<double>(*i);
  if (const auto* u = v->if_uint64()) return static_cast<double>(*u);
  return fallback;
}

}  // namespace sb
