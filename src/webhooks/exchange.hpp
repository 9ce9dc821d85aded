#pragma once
// One HTTP exchange of a server message: its body, its headers, how it is sent and signed,
// and how an answer becomes a Reply. Shared by the outbox (asynchronous messages) and
// synchronous requests.
//
// Every message carries `X-Message-Id`: a UUID fixed when the message is created and sent
// unchanged with every attempt, so a receiver can drop the duplicates at-least-once delivery
// may produce (after a crash, or an answer lost on the way back).

#include <functional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "http/message.hpp"
#include "net/http_client.hpp"
#include "webhooks/backoff.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::webhooks {

inline constexpr const char* kMessageIdHeader = "X-Message-Id";

/// Sends one exchange and calls `done` once, on any thread (the HttpClient in production);
/// the Cancel it returns cuts the exchange (`done` then gets error "cancelled").
using Transport =
    std::function<Cancel(net::OutboundRequest request, std::function<void(net::OutboundResponse)>)>;

/// Adds the auth of credential `credential_id` of `org_id` to `headers` for a POST of `body`
/// to `url`; calls `done(headers, "")`, or `done({}, why)` when it cannot (the attempt then
/// fails with `why`). Only called for servers with a credentialId. Calls `done` once, on any
/// thread.
using Signer =
    std::function<void(const std::string& org_id, const std::string& credential_id,
                       const std::string& url, const std::string& body, http::Fields headers,
                       std::function<void(http::Fields, std::string)> done)>;

/// The POST body: {"message": message}, with `timestamp` (ms since the epoch) set to `now`
/// unless the message has one.
std::string message_body(boost::json::object message, EpochMs now);

/// Content-Type, the message id, then the server's own headers (a Content-Type of the
/// server's replaces ours).
http::Fields request_headers(const ServerPlan& plan, std::string_view message_id);

/// The request of one attempt, before signing.
net::OutboundRequest outbound_request(const ServerPlan& plan, std::string body,
                                      std::string_view message_id);

/// Signs (when the server has a credential), then sends; `done` gets the response, or one
/// with `error` set when signing failed. The Cancel stops it at either step: cancelled while
/// signing, nothing is sent and `done` gets error "cancelled" once signing ends.
Cancel sign_and_send(const Transport& transport, const Signer& signer, const std::string& org_id,
                     const ServerPlan& plan, net::OutboundRequest request,
                     std::function<void(net::OutboundResponse)> done);

/// A synchronous message's answer: ok for a 2xx whose body is JSON or empty.
Reply to_reply(const net::OutboundResponse& response);

/// Why an attempt failed, for the record and the logs; "" when it delivered.
std::string failure_of(const net::OutboundResponse& response);

}  // namespace sb::webhooks
