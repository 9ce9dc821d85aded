#pragma once
// Reading a request body as JSON, the way every route with a JSON body does, with the answers
// a client can act on: 415 for another media type, 400 naming what is wrong and where.

#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>

namespace sb::http {

struct Request;

/// Deeper bodies are refused (400) while parsing, long before anything could recurse on them;
/// the contract validator stops at 64 levels anyway.
inline constexpr std::size_t kMaxJsonDepth = 256;

/// The body of `request` as a JSON object. A blank body reads as {} (as Express reads it).
/// Duplicate keys keep the last value, in the position of the first, as JSON.parse does.
/// Throws ApiError: 415 when the Content-Type is not JSON, 400 when the body is not valid JSON
/// (the message names the error and its byte position: invalid UTF-8, nesting deeper than
/// kMaxJsonDepth, syntax) or is not an object.
boost::json::value parse_json_body(const Request& request);

/// "application/json" or any "+json" type, parameters ignored; an absent type reads as JSON.
bool is_json_media_type(std::string_view content_type);

}  // namespace sb::http
