#include "api/telephony/provider_webhook_routes.hpp"

#include "runtime/voice/live_calls.hpp"

#include <algorithm>
#include <memory>

#include <boost/json/parse.hpp>

#include "api/calls/call_forwarding.hpp"
#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "telephony/form.hpp"
#include "telephony/inbound_calls.hpp"
#include "telephony/ncco.hpp"
#include "telephony/signatures.hpp"
#include "telephony/texml.hpp"
#include "telephony/twiml.hpp"

namespace sb::api {
namespace {

namespace json = boost::json;
using telephony::CandidateNumber;
using telephony::RingOutcome;
using telephony::StatusOutcome;

// What a provider's webhook says, in the engine's terms.
struct ProviderCall {
  std::string to;       // the number called
  std::string from;     // the caller
  std::string call_id;  // the provider's id of the call
  std::string status;   // the provider's word for its state ("" on a ring)
};

using Renderer =
    std::function<http::Response(const telephony::Decision&, const telephony::RenderContext&)>;

std::string_view field(const http::Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return {};
}

// Vonage sends MSISDNs ("14155550100"); our numbers are E.164.
std::string e164(std::string_view number) {
  const bool digits = !number.empty() && std::all_of(number.begin(), number.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
  return digits ? "+" + std::string(number) : std::string(number);
}

http::Response text(std::string body, std::string content_type) {
  http::Response r;
  r.status = 200;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

http::Response xml(std::string body) {
  return text(std::move(body), "text/xml; charset=utf-8");
}

http::Response forbidden(std::string_view provider) {
  return http::error_response(ApiError(
      ErrorCode::kForbidden,
      "The " + std::string(provider) + " signature of this request is missing or does not match"));
}

// Where an assistant-handled call's media connects: this server, over WebSocket.
std::string stream_url(const std::string& public_url, std::string_view provider,
                       std::string_view call_id) {
  std::string base = public_url;
  if (base.rfind("https://", 0) == 0)
    base = "wss://" + base.substr(8);
  else if (base.rfind("http://", 0) == 0)
    base = "ws://" + base.substr(7);
  return base + "/" + std::string(provider) + "/stream/" + std::string(call_id);
}

// A Telnyx hangup cause in Twilio's CallStatus words.
std::string telnyx_status(const http::Fields& p) {
  if (auto s = field(p, "CallStatus"); !s.empty()) return std::string(s);
  if (field(p, "event_type") != "call.hangup") return std::string(field(p, "state"));
  const auto cause = field(p, "hangup_cause");
  if (cause == "user_busy") return "busy";
  if (cause == "timeout" || cause == "no_answer") return "no-answer";
  if (cause == "call_rejected") return "failed";
  return "completed";
}

// Runs once a call is answered by an assistant, with the call and its stream's URL; calls
// `then` when the provider may be told where to connect.
using Answered = std::function<void(const json::object& call, const std::string& stream_url,
                                    std::function<void()> then)>;

void answer_ring(const telephony::InboundCalls& calls, const ProviderWebhookConfig& config,
                 std::string provider, ProviderCall call, telephony::Verifier verify,
                 Renderer render, http::Reply reply, Answered answered = nullptr) {
  telephony::InboundRing ring;
  ring.info = {provider, call.call_id, e164(call.from)};
  ring.to_number = e164(call.to);
  ring.live_stream = static_cast<bool>(answered);
  const std::string our_number = ring.to_number;
  calls.ring(std::move(ring), std::move(verify),
             [config, provider, our_number, render = std::move(render), reply = std::move(reply),
              answered = std::move(answered)](RingOutcome out) {
               if (out.status == RingOutcome::Status::kUnknownNumber)
                 return reply(http::error_response(ApiError::not_found("Phone number not found")));
               if (out.status == RingOutcome::Status::kForbidden) return reply(forbidden(provider));
               if (out.status == RingOutcome::Status::kError)
                 return reply(http::error_response(
                     ApiError(ErrorCode::kInternal, "The call could not be routed")));
               telephony::RenderContext ctx;
               ctx.call_id = std::string(string_at(out.call, "id"));
               ctx.stream_url = stream_url(config.public_url(), provider, ctx.call_id);
               ctx.our_number = our_number;
               if (const auto* c = out.call.if_contains("customer"); c && c->is_object())
                 ctx.caller = std::string(string_at(c->as_object(), "number"));
               // The live call waits for its stream before the provider hears where it is.
               if (answered && out.decision.kind == telephony::Decision::Kind::kAssistant) {
                 auto response = std::make_shared<http::Response>(render(out.decision, ctx));
                 return answered(out.call, ctx.stream_url,
                                 [reply, response] { reply(std::move(*response)); });
               }
               reply(render(out.decision, ctx));
             });
}

void answer_status(const telephony::InboundCalls& calls, std::string provider, ProviderCall call,
                   telephony::Verifier verify, http::Reply reply) {
  calls.provider_status(
      provider, e164(call.to), call.call_id, call.status, std::move(verify),
      [provider, reply = std::move(reply)](StatusOutcome out) {
        if (out.status == StatusOutcome::Status::kForbidden) return reply(forbidden(provider));
        if (out.status == StatusOutcome::Status::kUnknownCall)
          return reply(http::error_response(ApiError::not_found("Call not found")));
        http::Response r;
        r.status = 204;
        reply(std::move(r));
      });
}

// Twilio signs the URL it requested (ours, as configured) followed by the sorted POST fields.
// `verified_token`, when given, receives the auth token of the number that verified.
telephony::Verifier twilio_verifier(const ProviderWebhookConfig& config,
                                    const http::Request& request, const http::Fields& params,
                                    std::shared_ptr<std::string> verified_token = nullptr) {
  return [url = config.public_url() + request.target, params,
          signature = std::string(request.header("x-twilio-signature")),
          account = std::string(field(params, "AccountSid")),
          verified_token](const CandidateNumber& c) {
    const auto sid = string_at(c.number, "twilioAccountSid");
    if (!account.empty() && !sid.empty() && account != sid) return false;
    const auto token = string_at(c.secrets, "twilioAuthToken");
    const bool valid =
        !token.empty() && telephony::twilio_signature_valid(token, url, params, signature);
    if (valid && verified_token) *verified_token = token;
    return valid;
  };
}

telephony::Verifier vonage_verifier(const http::Request& request) {
  return [authorization = request.authorization, body = request.body](const CandidateNumber& c) {
    const auto secret = string_at(c.credential, "apiSecret");
    return !secret.empty() && telephony::vonage_signature_valid(secret, authorization, body);
  };
}

telephony::Verifier telnyx_verifier(const ProviderWebhookConfig& config,
                                    const http::Request& request) {
  const bool valid = !config.telnyx_public_key.empty() &&
                     telephony::telnyx_signature_valid(
                         config.telnyx_public_key, request.header("telnyx-timestamp"), request.body,
                         request.header("telnyx-signature-ed25519"), now_ms() / 1000);
  return [valid](const CandidateNumber&) { return valid; };
}

// TeXML's <Stream> sends no signature; the URL it connects to carries our call id, which must
// be the path's.
bool telnyx_stream_check(const std::string& stream_url, const http::Request& head) {
  const auto id = stream_url.substr(stream_url.rfind('/') + 1);
  return field(head.query, "callId") == id;
}

ProviderCall twilio_call(const http::Fields& p) {
  return {std::string(field(p, "To")), std::string(field(p, "From")),
          std::string(field(p, "CallSid")), std::string(field(p, "CallStatus"))};
}

ProviderCall vonage_call(const http::Fields& p) {
  return {std::string(field(p, "to")), std::string(field(p, "from")), std::string(field(p, "uuid")),
          std::string(field(p, "status"))};
}

ProviderCall telnyx_call(const http::Fields& p) {
  ProviderCall call = twilio_call(p);  // TeXML posts Twilio's field names
  if (call.to.empty()) call.to = field(p, "to");
  if (call.from.empty()) call.from = field(p, "from");
  if (call.call_id.empty()) call.call_id = field(p, "call_control_id");
  call.status = telnyx_status(p);
  return call;
}

// What a status callback of `provider` says.
ProviderCall status_call(const std::string& provider, const http::Request& request) {
  const auto fields = telephony::webhook_fields(request);
  if (provider == "twilio") return twilio_call(fields);
  if (provider == "vonage") return vonage_call(fields);
  return telnyx_call(fields);
}

// Registers an assistant-handled call as live, waiting for its stream, whose handshake `check`
// decides on (given the stream's URL); nothing without live calls.
using StreamCheck = std::function<bool(const std::string& stream_url, const http::Request& head)>;
Answered adopt_live(voice::LiveCalls* live, StreamCheck check) {
  if (!live) return nullptr;
  return [live, check = std::move(check)](const json::object& call, const std::string& stream_url,
                                          std::function<void()> then) {
    live->adopt(
        call, [check, stream_url](const http::Request& head) { return check(stream_url, head); },
        std::move(then));
  };
}

}  // namespace

ProviderWebhookRoutes::ProviderWebhookRoutes(const telephony::InboundCalls& calls,
                                             ProviderWebhookConfig config)
    : calls_(calls), config_(std::move(config)) {}

void ProviderWebhookRoutes::twilio_inbound(http::Context&& ctx, http::Reply reply) const {
  const auto params = telephony::webhook_fields(ctx.request);
  auto token = std::make_shared<std::string>();
  // Twilio signs its stream's handshake like its webhooks: the wss URL, no parameters, the
  // same account's auth token.
  auto answered =
      adopt_live(config_.live_calls, [token](const std::string& url, const http::Request& head) {
        return !token->empty() && telephony::twilio_signature_valid(
                                      *token, url, {}, head.header("x-twilio-signature"));
      });
  answer_ring(
      calls_, config_, "twilio", twilio_call(params),
      twilio_verifier(config_, ctx.request, params, token),
      [](const auto& d, const auto& c) { return xml(telephony::render_twiml(d, c)); },
      std::move(reply), std::move(answered));
}

void ProviderWebhookRoutes::twilio_status(http::Context&& ctx, http::Reply reply) const {
  const auto params = telephony::webhook_fields(ctx.request);
  answer_status(calls_, "twilio", twilio_call(params),
                twilio_verifier(config_, ctx.request, params), std::move(reply));
}

void ProviderWebhookRoutes::vonage_inbound(http::Context&& ctx, http::Reply reply) const {
  // Vonage's handshake carries nothing of ours: the NCCO's callId header comes in the socket's
  // first message, which VonageTransport checks against the call.
  answer_ring(
      calls_, config_, "vonage", vonage_call(telephony::webhook_fields(ctx.request)),
      vonage_verifier(ctx.request),
      [](const auto& d, const auto& c) {
        return text(telephony::render_ncco(d, c), "application/json");
      },
      std::move(reply),
      adopt_live(config_.live_calls, [](const auto&, const auto&) { return true; }));
}

void ProviderWebhookRoutes::vonage_event(http::Context&& ctx, http::Reply reply) const {
  answer_status(calls_, "vonage", vonage_call(telephony::webhook_fields(ctx.request)),
                vonage_verifier(ctx.request), std::move(reply));
}

void ProviderWebhookRoutes::telnyx_inbound(http::Context&& ctx, http::Reply reply) const {
  answer_ring(
      calls_, config_, "telnyx", telnyx_call(telephony::webhook_fields(ctx.request)),
      telnyx_verifier(config_, ctx.request),
      [](const auto& d, const auto& c) { return xml(telephony::render_texml(d, c)); },
      std::move(reply), adopt_live(config_.live_calls, telnyx_stream_check));
}

void ProviderWebhookRoutes::telnyx_status(http::Context&& ctx, http::Reply reply) const {
  answer_status(calls_, "telnyx", telnyx_call(telephony::webhook_fields(ctx.request)),
                telnyx_verifier(config_, ctx.request), std::move(reply));
}

// A status callback for a call live on another instance (several on one database) is relayed
// to it: that instance ends the call itself, with one report of what was said. Any instance
// answers the others (a call not live anywhere ends in the database, as on one instance).
void ProviderWebhookRoutes::status_here_or_relayed(http::Context&& ctx, http::Reply reply,
                                                   const std::string& provider,
                                                   Handler answer) const {
  auto* live = config_.live_calls;
  const auto* forwarding = config_.forwarding;
  if (!live || !forwarding || !ctx.request.header(kForwardedHeader).empty())
    return (this->*answer)(std::move(ctx), std::move(reply));
  const auto call = status_call(provider, ctx.request);
  auto held = std::make_shared<http::Context>(std::move(ctx));
  calls_.call_id_of(
      provider, e164(call.to), call.call_id,
      [this, held, reply = std::move(reply), answer, live, forwarding](std::string id) mutable {
        if (id.empty() || live->has(id)) return (this->*answer)(std::move(*held), std::move(reply));
        forwarding->route(id, std::move(held->request), std::move(reply),
                          [this, answer](http::Request request, http::Reply reply) {
                            http::Context here;
                            here.request = std::move(request);
                            (this->*answer)(std::move(here), std::move(reply));
                          });
      });
}

int ProviderWebhookRoutes::register_routes(http::Router& router) {
  // The headers each provider signs its webhooks with (Vonage signs with a JWT in
  // Authorization, which every request carries anyway), and the mark of a relayed request.
  const std::vector<std::string> twilio = {"x-twilio-signature", kForwardedHeader};
  const std::vector<std::string> telnyx = {"telnyx-signature-ed25519", "telnyx-timestamp",
                                           kForwardedHeader};
  const std::vector<std::string> none = {kForwardedHeader};
  const struct {
    http::Method method;
    const char* path;
    Handler handler;
    const std::vector<std::string>& headers;
    const char* status_of = nullptr;  ///< a status callback: its provider
  } routes[] = {
      {http::Method::kPost, "/twilio/inbound_call", &ProviderWebhookRoutes::twilio_inbound, twilio},
      {http::Method::kPost, "/twilio/status", &ProviderWebhookRoutes::twilio_status, twilio,
       "twilio"},
      {http::Method::kGet, "/vonage/inbound_call", &ProviderWebhookRoutes::vonage_inbound, none},
      {http::Method::kPost, "/vonage/inbound_call", &ProviderWebhookRoutes::vonage_inbound, none},
      {http::Method::kPost, "/vonage/event", &ProviderWebhookRoutes::vonage_event, none, "vonage"},
      {http::Method::kPost, "/telnyx/inbound_call", &ProviderWebhookRoutes::telnyx_inbound, telnyx},
      {http::Method::kPost, "/telnyx/status", &ProviderWebhookRoutes::telnyx_status, telnyx,
       "telnyx"},
  };
  for (const auto& r : routes) {
    http::Route route;
    route.method = r.method;
    route.path = r.path;
    route.authenticated = false;  // the provider's signature instead
    route.body_check = http::BodyCheck::kHandler;
    route.body_limit = 64 * 1024;  // providers post a few hundred bytes
    route.headers = r.headers;
    if (r.status_of)
      route.handler = [this, handler = r.handler, provider = std::string(r.status_of)](
                          http::Context&& ctx, http::Reply reply) {
        status_here_or_relayed(std::move(ctx), std::move(reply), provider, handler);
      };
    else
      route.handler = [this, handler = r.handler](http::Context&& ctx, http::Reply reply) {
        (this->*handler)(std::move(ctx), std::move(reply));
      };
    router.add(std::move(route));
  }
  return static_cast<int>(std::size(routes));
}

}  // namespace sb::api
