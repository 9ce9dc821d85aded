#pragma once
// `{{ … }}` substitution in assistant text (system messages, firstMessage), the Liquid subset
// Vapi's assistants use: variables with dotted paths (`{{customer.number}}`), filters
// (`default`, `date`, and a few string ones), literals (`{{ "now" | date: "%Y" }}`), and the
// built-ins now/date/time/month/day/year. Pure: no I/O, the clock is passed in.

#include <chrono>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::chat {

/// Renders `text` with `variables` (JSON values; objects give dotted paths). An unknown
/// variable renders as "" (as LiquidJS does), unless a `default` filter says otherwise.
/// Malformed tags (an unclosed `{{`) are left as written; never throws on any input.
std::string render_template(std::string_view text, const boost::json::object& variables);

/// `variables` plus the built-ins for `now` (UTC): now ("Jan 1, 2024 12:00 PM"), date
/// ("Jan 1, 2024"), time ("12:00 PM"), month ("January"), day ("1"), year ("2024"), and
/// `customer` when given (a JSON object). A variable the caller set wins over a built-in.
boost::json::object with_builtins(boost::json::object variables,
                                  std::chrono::system_clock::time_point now,
                                  const boost::json::value& customer = nullptr);

/// Renders every string in `value` (recursively through arrays and objects) in place.
void render_strings(boost::json::value& value, const boost::json::object& variables);

}  // namespace sb::chat
