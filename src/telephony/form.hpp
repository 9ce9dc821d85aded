#pragma once
// The fields of the carriers' webhooks: application/x-www-form-urlencoded bodies, as Twilio
// posts them, and JSON ones, as Vonage and Telnyx's Call Control do.

#include <string_view>

#include "http/message.hpp"

namespace sb::telephony {

/// The name/value pairs of a form body, in order, decoded ('+' is a space, %XX a byte). Empty
/// pairs ("a=1&&b=2") are skipped; a pair without '=' has an empty value; a '%' not followed
/// by two hex digits is kept as it is, as browsers do.
http::Fields parse_form(std::string_view body);

/// The string fields of a JSON object body, or of its Call Control envelope's data.payload
/// (with data's own string fields too); empty for anything else.
http::Fields json_fields(std::string_view body);

/// A webhook's fields: the query of a GET, else its JSON or form body by its Content-Type.
http::Fields webhook_fields(const http::Request& request);

}  // namespace sb::telephony
