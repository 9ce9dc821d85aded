#pragma once
// JSON text as JavaScript's JSON.stringify writes it. Boost.JSON's own serializer writes every
// double in exponent form (0.7 as "7E-1", 43200.0 as "4.32E4"): valid JSON, but it breaks
// round-trip diffs of stored configuration and clients that read integers strictly. Everything
// the server writes — responses, server messages, stored documents — goes through here.

#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

namespace sb {

/// `value` as compact JSON text: numbers as JavaScript prints them (shortest round-trip digits,
/// fixed notation from 1e-7 up to 1e21, "1e+21" / "1e-7" beyond; -0 as "0"; NaN and infinities,
/// which JSON cannot hold, as null), strings escaped as JSON.stringify escapes them.
std::string json_text(const boost::json::value& value);
std::string json_text(const boost::json::object& object);
std::string json_text(const boost::json::array& array);

/// Appends `value` to `out` in the same form.
void append_json_text(std::string& out, const boost::json::value& value);
void append_json_text(std::string& out, const boost::json::object& object);
void append_json_text(std::string& out, const boost::json::array& array);

/// A double as JavaScript's Number.prototype.toString writes it (for finite values).
std::string js_number_text(double value);

/// `text` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);

}  // namespace sb
