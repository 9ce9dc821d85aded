#pragma once
// What the provider API calls of telephony/ share: encodings, auth headers, and the mapping of
// a failed exchange to the 400 the API answers (the provider unreachable, the credentials
// rejected, or what the provider said), so each provider reads as its sequence of calls.

#include <chrono>
#include <exception>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/value.hpp>

#include "net/http_client.hpp"

namespace sb::telephony {

/// Receives nullptr on success, else the exception (an ApiError) to answer with.
using Done = std::function<void(std::exception_ptr)>;

/// The helpers of provider REST calls (a namespace of their own: their names are generic).
namespace rest {

/// A provider as its errors name it.
struct ProviderName {
  std::string name;              ///< "Twilio"
  std::string credentials_hint;  ///< what to check when it rejects them, e.g. "check ..."
};

/// Per exchange; a number's import makes at most four.
inline constexpr std::chrono::milliseconds kProviderTimeout{10'000};

/// "Basic " + base64(user ":" password).
std::string basic_auth(std::string_view user, std::string_view password);
/// name=value&... as application/x-www-form-urlencoded (also a URL's query).
std::string form_encode(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
/// The body as JSON; null when it is not JSON.
boost::json::value parse_json(std::string_view body);
/// The string at `key` of an object value; "" otherwise.
std::string_view string_of(const boost::json::value& object, std::string_view key);

/// What a provider said went wrong in an error body (Twilio's "message", Telnyx's
/// "errors[].detail", Vonage's "title"/"detail"); bounded; "" when it said nothing readable.
std::string provider_message(std::string_view body);

/// A 400 with `message` (as a Bad Request list, like every validation error).
std::exception_ptr bad_request(std::string message);

/// nullptr when `response` is a 2xx; otherwise the 400 saying why `doing` ("looking up
/// +14155550100") failed.
std::exception_ptr failure_of(const net::OutboundResponse& response, const ProviderName& provider,
                              std::string_view doing);

/// Why a call-control exchange failed, for a call's endedMessage or the log: "" for a 2xx,
/// "<Provider> could not be reached (...)" or "<Provider> refused <doing> (HTTP n): <what it
/// said>".
std::string refusal_text(const net::OutboundResponse& response, std::string_view provider,
                         std::string_view doing);

/// Sends `request`; a 2xx goes to `next` (whose exceptions go to `done`), anything else to
/// `done` as failure_of() says. `http` must outlive the exchange.
void call_provider(net::HttpClient& http, net::OutboundRequest request, ProviderName provider,
                   std::string doing, Done done,
                   std::function<void(const net::OutboundResponse&)> next);

}  // namespace rest
}  // namespace sb::telephony
