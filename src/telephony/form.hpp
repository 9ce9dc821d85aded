#pragma once
// application/x-www-form-urlencoded bodies, as Twilio posts its webhooks.

#include <string_view>

#include "http/message.hpp"

namespace sb::telephony {

/// The name/value pairs of a form body, in order, decoded ('+' is a space, %XX a byte). Empty
/// pairs ("a=1&&b=2") are skipped; a pair without '=' has an empty value; a '%' not followed
/// by two hex digits is kept as it is, as browsers do.
http::Fields parse_form(std::string_view body);

}  // namespace sb::telephony
