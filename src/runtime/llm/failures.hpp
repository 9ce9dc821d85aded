#pragma once
// The messages of failed completions. Each names the provider and the reason in words a
// Vapi API client can act on: a gateway timeout when the provider did not answer, a bad
// gateway for everything the provider answered wrongly.

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "runtime/llm/llm_client.hpp"

namespace sb::llm {

/// Gateway timeout: "<provider> did not answer: <reason>" (timeout, connection refused, dns: ...).
Failure no_answer(std::string_view provider, std::string_view reason);
/// Bad gateway: "<provider> answered <status>: <the upstream error message>".
Failure upstream_error(std::string_view provider, int status, std::string_view body);
/// Bad gateway: "<provider> sent an invalid stream: <why>".
Failure invalid_stream(std::string_view provider, std::string_view why);
/// Bad gateway: "<provider> reported an error: <message>", for an error inside a 2xx answer.
Failure reported_error(std::string_view provider, std::string_view message);
/// What the caller gets after its delta callback returned false.
Failure cancelled();

/// The message in an error body: {"error":{"message"}} (OpenAI, Anthropic), {"error":"..."},
/// {"message"} or {"detail"}; else the body itself, trimmed and cut to 300 bytes (never
/// inside a UTF-8 character); "" for an empty body.
std::string upstream_message(std::string_view body);

/// The `error` member of an error object or of an answer, as upstream_message reads it ("" when
/// the value names no error).
std::string error_message_of(const boost::json::value& error);

}  // namespace sb::llm
