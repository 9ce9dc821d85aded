#pragma once
// Beast-free helpers for turning what arrived on the wire into an http::Request, so the one
// Beast translation unit stays small.

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sb::net {

/// Splits an origin-form target ("/phone-number?limit=5") into the decoded path and the
/// decoded query ('+' reads as a space, as browsers and the SDK send it). False when the
/// target is not a valid origin-form URL.
bool parse_target(std::string_view target, http::Request& out);

/// The client's X-Request-Id when it is short and plain (letters, digits, '-', '_', '.'),
/// otherwise a fresh id.
std::string request_id_for(std::string_view client_supplied);

/// The current time as an IMF-fixdate for the Date header, formatted at most once a second
/// per thread.
std::string_view http_date_now();

}  // namespace sb::net
