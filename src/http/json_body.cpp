#include "http/json_body.hpp"

#include <boost/json/error.hpp>
#include <boost/json/parser.hpp>

#include "core/api_error.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"
#include "http/message.hpp"

namespace sb::http {
namespace {

std::string describe(const boost::system::error_code& ec, std::string_view body,
                     std::size_t position) {
  std::string what = "Request body is not valid JSON: ";
  if (ec == boost::json::error::too_deep) {
    what += "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  } else if (position < body.size() && !utf8::decode_at(body, position)) {
    what += "invalid UTF-8";
  } else {
    what += ec.message();
  }
  return what + " at position " + std::to_string(position);
}

}  // namespace

bool is_json_media_type(std::string_view content_type) {
  std::string type = ascii_lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type.empty() || type == "application/json" || type.ends_with("+json");
}

boost::json::value parse_json_body(const Request& request) {
  const std::string_view body = request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return boost::json::object();  // an empty body is an empty DTO, as Express reads it
  // Express would silently ignore a body of another type and report every field missing;
  // say what is actually wrong instead.
  if (!is_json_media_type(request.content_type))
    throw ApiError(ErrorCode::kUnsupportedMediaType,
                   "Content-Type must be application/json, not " + request.content_type);
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::parser parser({}, options);
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(body.data(), body.size(), ec);
  if (ec) throw ApiError::bad_request(describe(ec, body, consumed));
  boost::json::value v = parser.release();
  if (!v.is_object()) throw ApiError::bad_request("Request body must be a JSON object");
  return v;
}

}  // namespace sb::http
