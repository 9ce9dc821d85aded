#pragma once
// The webhooks telephony providers call when one of our numbers rings and when a call's
// status changes: /twilio/inbound_call + /twilio/status (form posts, X-Twilio-Signature),
// /vonage/inbound_call + /vonage/event (answer and event webhooks, signed JWT),
// /telnyx/inbound_call + /telnyx/status (TeXML, ed25519 signatures). They are not API routes:
// no API key, the provider's signature instead (403 and nothing happens when it is wrong).
// Each one turns its provider's request into the routing engine's terms and renders the
// decision back in the provider's language (TwiML, NCCO, TeXML).

#include <functional>
#include <string>

#include "api/common/route_provider.hpp"
#include "http/router.hpp"

namespace sb::telephony {
class InboundCalls;
}
namespace sb::voice {
class LiveCalls;
}

namespace sb::api {

class CallForwarding;

struct ProviderWebhookConfig {
  /// The base URL providers reach this server at (what signatures are computed over, and
  /// where media streams connect).
  std::function<std::string()> public_url;
  /// Telnyx's ed25519 public key of the account (base64); Telnyx webhooks are refused without.
  std::string telnyx_public_key;
  /// Where a call answered by an assistant goes live (its media stream); none in unit
  /// tests of the routing.
  voice::LiveCalls* live_calls = nullptr;
  /// Relays a status callback for a call live on another instance to it; none on one
  /// instance alone.
  const CallForwarding* forwarding = nullptr;
};

class ProviderWebhookRoutes final : public RouteProvider {
 public:
  ProviderWebhookRoutes(const telephony::InboundCalls& calls, ProviderWebhookConfig config);
  int register_routes(http::Router& router) override;

 private:
  void twilio_inbound(http::Context&& ctx, http::Reply reply) const;
  void twilio_status(http::Context&& ctx, http::Reply reply) const;
  void vonage_inbound(http::Context&& ctx, http::Reply reply) const;
  void vonage_event(http::Context&& ctx, http::Reply reply) const;
  void telnyx_inbound(http::Context&& ctx, http::Reply reply) const;
  void telnyx_status(http::Context&& ctx, http::Reply reply) const;
  using Handler = void (ProviderWebhookRoutes::*)(http::Context&&, http::Reply) const;
  /// Answers a status callback with `answer` here, or relays it to the instance the call is
  /// live on.
  void status_here_or_relayed(http::Context&& ctx, http::Reply reply, const std::string& provider,
                              Handler answer) const;

  const telephony::InboundCalls& calls_;
  ProviderWebhookConfig config_;
};

}  // namespace sb::api
