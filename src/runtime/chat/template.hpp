#pragma once
// `{{ … }}` substitution in assistant text (system messages, firstMessage), the Liquid subset
// Vapi's assistants use, rendered as LiquidJS renders it: variables with dotted paths and
// indexes (`{{customer.number}}`, `{{items[0]}}`), literals (`{{ "now" | date: "%Y" }}`), the
// filters default, date, upcase, downcase, capitalize, strip, append, prepend, replace,
// truncate, size and join (an unknown filter passes its value through), `{{-`/`-}}` trimming,
// and the built-ins now/date/time/month/day/year. `{% … %}` tags are left as written.
//
// The clock: `with_builtins` stores its `now` as the hidden variable "__now" (seconds since
// the epoch), which the date filter uses for "now" and "today"; without it the filter reads
// the clock the render is given (the system's unless the caller injects one). The only I/O is the
// date filter reading a time zone it is asked for from the system tz database (once per zone; see
// time_zone.hpp).
//
// Bounded on any input: no recursion on the text or the values, a template is rendered once
// (inserted values are not rendered again), one value is cut at 1 MiB and one render does at
// most 32 MiB of value and filter work; past that, tags render "".

#include <chrono>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"

namespace sb::chat {

/// Renders `text` with `variables` (JSON values; objects give dotted paths). An unknown
/// variable renders as "" (as LiquidJS does), unless a `default` filter says otherwise.
/// Malformed tags (an unclosed `{{`) are left as written; never throws on any input.
std::string render_template(std::string_view text, const boost::json::object& variables,
                            const Clock& clock = system_clock());

/// `variables` plus the built-ins for `now` (UTC): now ("Jan 1, 2024 12:00 PM"), date
/// ("Jan 1, 2024"), time ("12:00 PM"), month ("January"), day ("1"), year ("2024"), `customer`
/// when given (a JSON object), and "__now" (`now` in whole seconds since the epoch, the date
/// filter's clock). A variable the caller set wins over a built-in.
boost::json::object with_builtins(boost::json::object variables,
                                  std::chrono::system_clock::time_point now,
                                  const boost::json::value& customer = nullptr);

/// Renders every string in `value` (recursively through arrays and objects) in place.
void render_strings(boost::json::value& value, const boost::json::object& variables,
                    const Clock& clock = system_clock());

}  // namespace sb::chat
