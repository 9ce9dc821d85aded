#pragma once
// POST /call: a call over Vapi's WebSocket transport is created live (201 with its
// websocketCallUrl); a phone call is dialled out through its Twilio number (OutboundCalls),
// whose status callbacks come to /twilio/outbound_status/{callId}.
// And the transport's WebSocket itself: `/{callId}/transport`, claimed once per live call
// (upgrade()), refused with 404 for a call that is not live here and 409 for one already
// connected; likewise the carriers' media streams of inbound calls (`/twilio/stream/{callId}`,
// whose handshake must carry the number's X-Twilio-Signature, `/telnyx/stream/{callId}`, whose
// URL must carry the call id as `callId`: 403 otherwise; `/vonage/stream/{callId}`, whose
// first message VonageTransport checks). And the call's
// monitor (call_monitor_routes.cpp), as its assistant's monitorPlan allows: controlUrl, POST
// /{callId}/control (say, add-message, control, end-call), and listenUrl, the WebSocket
// `/{callId}/listen` that streams the call's audio to its listeners (CallListeners).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/common/route_provider.hpp"
#include "domain/calls/call_monitor.hpp"
#include "http/router.hpp"
#include "net/http_server.hpp"
#include "runtime/voice/live_calls.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::http {
class Authenticator;
}

namespace sb::voice {
class OutboundCalls;
}

namespace sb::api {

class CallForwarding;

class CallRoutes final : public RouteProvider {
 public:
  /// `auth` checks the keys a monitorPlan may ask for.
  /// `outbound`, when given, dials phone calls out (else POST /call refuses them, 501).
  /// `forwarding`, when given, relays a controlUrl request or a carrier's status callback for
  /// a call live on another instance to that instance (else they are answered here).
  CallRoutes(const contract::Contract& contract, voice::LiveCalls& calls, http::Authenticator& auth,
             voice::OutboundCalls* outbound = nullptr, const CallForwarding* forwarding = nullptr);
  int register_routes(http::Router& router) override;

  /// For ServerOptions::upgrade: a taker for `/{id}/transport`, `/{carrier}/stream/{id}` and
  /// `/{id}/listen` WebSocket requests, else none.
  net::ConnectionTaker upgrade(const http::Request& head) const;

 private:
  struct Refusal {
    int status;
    std::string message;
  };
  http::Route control_route() const;
  /// What a carrier's callback reports: the call's progress, or who answered it (AMD).
  enum class CarrierCallback { kStatus, kAnsweredBy };
  http::Route carrier_status_route(const std::string& provider, CarrierCallback callback) const;
  net::ConnectionTaker listen_upgrade(const http::Request& head, std::string_view id) const;
  /// Whether `request` may use `endpoint` of the live call `call`: its plan, and the org of the
  /// key it shows when the plan asks for one. `then` gets nothing when it may, else the
  /// refusal (404 endpoint off, 401 key missing or not the call's org's, 429 key lookups
  /// throttled); at once, or later from the key's lookup.
  void check_monitor(const voice::LiveCalls::Monitored& call, calls::MonitorEndpoint endpoint,
                     const http::Request& request,
                     std::function<void(std::optional<Refusal>)> then) const;

  const contract::Contract& contract_;
  voice::LiveCalls& calls_;
  http::Authenticator& auth_;
  voice::OutboundCalls* outbound_;
  const CallForwarding* forwarding_;
};

/// The call id of a transport path ("/<uuid>/transport"), or "".
std::string_view transport_call_id(std::string_view path);
/// The call id of a listen path ("/<uuid>/listen"), or "".
std::string_view listen_call_id(std::string_view path);
/// The carrier ("twilio", "vonage", "telnyx") and call id of a carrier's media stream path
/// ("/<carrier>/stream/<uuid>"); empty views for any other path.
struct CarrierStream {
  std::string_view carrier;
  std::string_view call_id;
};
CarrierStream carrier_stream_of(std::string_view path);

/// A taker that answers a WebSocket upgrade with a plain HTTP error in NestJS's shape
/// (401, 403, 404, 409 or 429) and closes the connection.
net::ConnectionTaker refuse_upgrade(int status, std::string message);

}  // namespace sb::api
