#include "http/error_response.hpp"
#include "core/json_text.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::http {

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kNotImplemented:
      return 501;
    case ErrorCode::kServiceUnavailable:
      return 503;
    case ErrorCode::kBadGateway:
      return 502;
    case ErrorCode::kGatewayTimeout:
      return 504;
  }
  return 500;
}

Response error_response(const ApiError& error) {
  const int status = status_of(error.code());
  boost::json::object body;
  if (error.is_list()) {
    boost::json::array list;
    for (const auto& m : error.messages()) list.emplace_back(m);
    body["message"] = std::move(list);
  } else {
    body["message"] = error.messages().empty() ? "" : error.messages().front();
  }
  body["error"] = reason_phrase(status);
  body["statusCode"] = status;
  return Response::json(status, json_text(body));
}

Response error_response(int status, std::string message) {
  boost::json::object body;
  body["message"] = std::move(message);
  body["error"] = reason_phrase(status);
  body["statusCode"] = status;
  return Response::json(status, json_text(body));
}

Response error_response(std::exception_ptr error, std::string_view request_id) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    return error_response(e);
  } catch (const std::exception& e) {
    spdlog::error("request {} failed: {}", request_id, e.what());
  } catch (...) {
    spdlog::error("request {} failed with a non-standard exception", request_id);
  }
  return error_response(ApiError(ErrorCode::kInternal, "Internal server error"));
}

}  // namespace sb::http
