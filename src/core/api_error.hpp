#pragma once
// The one error type that crosses layers. Domain and storage code throw it; the HTTP layer maps
// it to a status and a NestJS-style body in exactly one place (http/error_response.cpp).

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sb {

enum class ErrorCode {
  kBadRequest,
  kUnauthorized,
  kForbidden,
  kNotFound,
  kConflict,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kTooManyRequests,
  kInternal,
  kNotImplemented,
  kServiceUnavailable,
  kBadGateway,      ///< a provider this server called answered wrongly (an error, garbage)
  kGatewayTimeout,  ///< a provider this server called did not answer in time, or at all
};

class ApiError : public std::runtime_error {
 public:
  /// A single-message error: the body's `message` is a string.
  ApiError(ErrorCode code, std::string message)
      : std::runtime_error(message), code_(code), messages_{std::move(message)} {}
  /// A validation error: the body's `message` is the list, as class-validator answers.
  ApiError(ErrorCode code, std::vector<std::string> messages)
      : std::runtime_error(messages.empty() ? std::string() : messages.front()),
        code_(code),
        messages_(std::move(messages)),
        is_list_(true) {}

  static ApiError bad_request(std::string message) {
    return {ErrorCode::kBadRequest, std::vector<std::string>{std::move(message)}};
  }
  static ApiError bad_request(std::vector<std::string> messages) {
    return {ErrorCode::kBadRequest, std::move(messages)};
  }
  static ApiError not_found(std::string message) {
    return {ErrorCode::kNotFound, std::move(message)};
  }

  ErrorCode code() const { return code_; }
  const std::vector<std::string>& messages() const { return messages_; }
  bool is_list() const { return is_list_; }

 private:
  ErrorCode code_;
  std::vector<std::string> messages_;
  bool is_list_ = false;
};

}  // namespace sb
