#pragma once
// The single mapping from errors to HTTP: status code plus a NestJS-shaped body
// {"message": string | string[], "error": "Bad Request", "statusCode": 400}.

#include <exception>

#include "core/api_error.hpp"
#include "http/message.hpp"

namespace sb::http {

int status_of(ErrorCode code);
Response error_response(const ApiError& error);
/// The same shape for a status without an ErrorCode of its own (408, 431): the message is a
/// string and "error" is the status's reason phrase.
Response error_response(int status, std::string message);
/// Maps whatever a handler threw: ApiError as itself, anything else as a 500 whose body says
/// nothing about internals (the cause goes to the log, tagged with the request id).
Response error_response(std::exception_ptr error, std::string_view request_id);

}  // namespace sb::http
