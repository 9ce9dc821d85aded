#pragma once
// POST /call: a call over Vapi's WebSocket transport is created live (201 with its
// websocketCallUrl); a phone call dialled out is the providers issue's work (501 until then).
// And the transport's WebSocket itself: `/{callId}/transport`, claimed once per live call
// (upgrade()), refused with 404 for a call that is not live here and 409 for one already
// connected; likewise Twilio's media streams of inbound calls (`/twilio/stream/{callId}`),
// whose handshake must carry the number's X-Twilio-Signature (403 otherwise). And the call's
// monitor.controlUrl, POST /{callId}/control: say, add-message, control, end-call.

#include <string_view>

#include "api/common/route_provider.hpp"
#include "http/router.hpp"
#include "net/http_server.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::voice {
class LiveCalls;
}

namespace sb::api {

class CallRoutes final : public RouteProvider {
 public:
  CallRoutes(const contract::Contract& contract, voice::LiveCalls& calls);
  int register_routes(http::Router& router) override;

  /// For ServerOptions::upgrade: a taker for `/{id}/transport` WebSocket requests, else none.
  net::ConnectionTaker upgrade(const http::Request& head) const;

 private:
  http::Route control_route() const;

  const contract::Contract& contract_;
  voice::LiveCalls& calls_;
};

/// The call id of a transport path ("/<uuid>/transport"), or "".
std::string_view transport_call_id(std::string_view path);
/// The call id of a Twilio media stream path ("/twilio/stream/<uuid>"), or "".
std::string_view twilio_stream_call_id(std::string_view path);

}  // namespace sb::api
