#include "api/calls/call_routes.hpp"

#include "api/calls/call_forwarding.hpp"

#include <stdexcept>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "domain/calls/outbound_call.hpp"
#include "domain/calls/websocket_call.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "net/handover.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/outbound_calls.hpp"
#include "runtime/voice/telnyx_transport.hpp"
#include "runtime/voice/twilio_transport.hpp"
#include "runtime/voice/vonage_transport.hpp"
#include "runtime/voice/websocket_transport.hpp"
#include "telephony/form.hpp"

namespace sb::api {
namespace json = boost::json;

CallRoutes::CallRoutes(const contract::Contract& contract, voice::LiveCalls& calls,
                       http::Authenticator& auth, voice::OutboundCalls* outbound,
                       const CallForwarding* forwarding)
    : contract_(contract),
      calls_(calls),
      auth_(auth),
      outbound_(outbound),
      forwarding_(forwarding) {}

int CallRoutes::register_routes(http::Router& router) {
  const auto* op = contract_.operation("POST", "/call");
  if (!op) throw std::logic_error("no contract operation POST /call");
  http::Route route;
  route.method = http::Method::kPost;
  route.path = "/call";
  route.operation = op;
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    auto body = std::move(ctx.body.as_object());
    auto answer = [reply](std::exception_ptr error, json::object call) {
      if (error) return reply(http::error_response(error, ""));
      reply(http::Response::json(201, json_text(call)));
    };
    if (calls::wants_phone_call(body) && outbound_)
      return outbound_->create(std::move(ctx.org_id), std::move(body), std::move(answer));
    if (!calls::wants_websocket_transport(body)) {
      if (calls::wants_phone_call(body))
        return reply(http::error_response(
            501,
            "Dialling phone calls out needs the carriers' outbound support, which this "
            "server does not have yet; calls over transport vapi.websocket work"));
      return reply(http::error_response(
          400,
          "This server places calls over transport {\"provider\": \"vapi.websocket\"} "
          "(web calls over Daily are Vapi's own)"));
    }
    calls_.create(std::move(ctx.org_id), std::move(body), std::move(answer));
  };
  router.add(std::move(route));
  router.add(control_route());
  if (!outbound_) return 2;
  int added = 2;
  for (const auto& provider : outbound_->providers()) {
    router.add(carrier_status_route(provider, CarrierCallback::kStatus));
    ++added;
    // Answering machine detection verdicts, for assistants that ask for it, on their own
    // callback (Vonage's come with its events instead).
    if (provider == "twilio" || provider == "telnyx") {
      router.add(carrier_status_route(provider, CarrierCallback::kAnsweredBy));
      ++added;
    }
  }
  return added;
}

// A carrier's callbacks about a call dialled out (/<provider>/outbound_status/{callId}, and
// /<provider>/amd_status/{callId} for who answered), signed as its webhooks are: 204, 403 for a
// wrong signature, 404 for a call not dialled here (or whose end it has already reported).
http::Route CallRoutes::carrier_status_route(const std::string& provider,
                                             CarrierCallback callback) const {
  const bool status = callback == CarrierCallback::kStatus;
  http::Route route;
  route.method = http::Method::kPost;
  route.path = "/" + provider + (status ? "/outbound_status/{callId}" : "/amd_status/{callId}");
  route.authenticated = false;  // the carrier's signature instead
  route.body_check = http::BodyCheck::kHandler;
  route.body_limit = 64 * 1024;
  route.headers = {"x-twilio-signature", "telnyx-signature-ed25519", "telnyx-timestamp",
                   kForwardedHeader};
  auto handle = [this, provider, status](const http::Request& request, const std::string& id,
                                         const http::Reply& reply) {
    using Outcome = voice::OutboundCalls::StatusOutcome;
    const auto url = outbound_->public_url() + request.target;
    const auto fields = telephony::webhook_fields(request);
    const auto outcome = status ? outbound_->carrier_status(provider, id, request, url, fields)
                                : outbound_->machine_detected(provider, id, request, url, fields);
    if (outcome == Outcome::kForbidden)
      return reply(http::error_response(
          ApiError(ErrorCode::kForbidden, "The " + provider +
                                              " signature of this request is missing or does "
                                              "not match")));
    if (outcome == Outcome::kUnknownCall)
      return reply(http::error_response(ApiError::not_found("Call not found")));
    http::Response r;
    r.status = 204;
    reply(std::move(r));
  };
  route.handler = [this, handle](http::Context&& ctx, http::Reply reply) {
    std::string id;
    for (const auto& [name, value] : ctx.request.path_params)
      if (name == "callId") id = value;
    // A call live on another instance hears its carrier there (its owner ends it, reports it).
    if (!forwarding_ || calls_.has(id)) return handle(ctx.request, id, reply);
    forwarding_->route(
        id, std::move(ctx.request), std::move(reply),
        [handle, id](http::Request request, http::Reply reply) { handle(request, id, reply); });
  };
  return route;
}

namespace {

// The call id of "/<uuid><suffix>", or "".
std::string_view call_id_before(std::string_view path, std::string_view suffix) {
  if (path.size() < suffix.size() + 2 || path.front() != '/' ||
      path.substr(path.size() - suffix.size()) != suffix)
    return {};
  const auto id = path.substr(1, path.size() - suffix.size() - 1);
  return is_uuid(id) ? id : std::string_view();
}

}  // namespace

std::string_view transport_call_id(std::string_view path) {
  return call_id_before(path, "/transport");
}

std::string_view listen_call_id(std::string_view path) {
  return call_id_before(path, "/listen");
}

net::ConnectionTaker refuse_upgrade(int status, std::string message) {
  return [body = http::error_response(status, std::move(message)).body,
          status](net::Handover&& connection) {
    net::refuse_websocket(std::move(connection), status, body);
  };
}

namespace {

calls::AudioFormat audio_format_of(const json::object& call) {
  calls::AudioFormat format;
  if (const auto* t = object_at(call, "transport"))
    if (const auto* a = object_at(*t, "audioFormat")) {
      if (string_at(*a, "format") == "mulaw")
        format.encoding = calls::AudioFormat::Encoding::kMulaw;
      format.sample_rate = static_cast<int>(int_at(*a, "sampleRate", format.sample_rate));
    }
  return format;
}

}  // namespace

CarrierStream carrier_stream_of(std::string_view path) {
  for (const std::string_view carrier : {"twilio", "vonage", "telnyx"}) {
    if (path.size() <= carrier.size() + 9 || path[0] != '/' ||
        path.substr(1, carrier.size()) != carrier ||
        path.substr(carrier.size() + 1, 8) != "/stream/")
      continue;
    const auto id = path.substr(carrier.size() + 9);
    return is_uuid(id) ? CarrierStream{carrier, id} : CarrierStream{};
  }
  return {};
}

namespace {

// The transport of a carrier's stream, made once the socket is up.
std::shared_ptr<net::WebSocketHandler> carrier_transport(std::string_view carrier,
                                                         const std::string& call_id,
                                                         std::shared_ptr<net::WebSocket> socket,
                                                         std::shared_ptr<voice::LiveCall> call) {
  if (carrier == "vonage") {
    auto transport = std::make_shared<voice::VonageTransport>(call_id, std::move(socket), call);
    call->connected(transport);
    return transport;
  }
  if (carrier == "telnyx") {
    auto transport = std::make_shared<voice::TelnyxTransport>(std::move(socket), call);
    call->connected(transport);
    return transport;
  }
  auto transport = std::make_shared<voice::TwilioTransport>(std::move(socket), call);
  call->connected(transport);
  return transport;
}

net::WebSocketLimits carrier_limits(std::string_view carrier) {
  if (carrier == "vonage") return voice::VonageTransport::limits();
  if (carrier == "telnyx") return voice::TelnyxTransport::limits();
  return voice::TwilioTransport::limits();
}

}  // namespace

net::ConnectionTaker CallRoutes::upgrade(const http::Request& head) const {
  if (const auto listen_id = listen_call_id(head.path); !listen_id.empty())
    return net::is_websocket_upgrade(head) ? listen_upgrade(head, listen_id)
                                           : net::ConnectionTaker();
  const auto websocket_id = transport_call_id(head.path);
  const auto stream = carrier_stream_of(head.path);
  const auto id = websocket_id.empty() ? stream.call_id : websocket_id;
  if (id.empty() || !net::is_websocket_upgrade(head)) return {};
  auto [claim, call] = calls_.claim(id, head);
  using Claim = voice::LiveCalls::Claim;
  switch (claim) {
    case Claim::kUnknown: {
      auto refused = refuse_upgrade(404, "No live call " + std::string(id) + " on this server");
      if (!forwarding_) return refused;
      return forwarding_->upgrade(std::string(id), head, std::move(refused));
    }
    case Claim::kTaken:
      return refuse_upgrade(409, "This call already has its media connection");
    case Claim::kRefused:
      return refuse_upgrade(403,
                            "The signature of this stream request is missing or does not match");
    case Claim::kClaimed:
      break;
  }
  if (!stream.carrier.empty()) {
    return [call, head, carrier = std::string(stream.carrier),
            call_id = std::string(id)](net::Handover&& connection) {
      net::accept_websocket(std::move(connection), head, carrier_limits(carrier),
                            [call, carrier, call_id](std::shared_ptr<net::WebSocket> socket) {
                              return carrier_transport(carrier, call_id, std::move(socket), call);
                            });
    };
  }
  const auto format = audio_format_of(call->snapshot());
  return [call, format, head](net::Handover&& connection) {
    net::accept_websocket(std::move(connection), head, voice::WebsocketTransport::limits(format),
                          [call, format](std::shared_ptr<net::WebSocket> socket) {
                            auto transport = std::make_shared<voice::WebsocketTransport>(
                                format, std::move(socket), call);
                            call->connected(transport);
                            return transport;
                          });
  };
}

}  // namespace sb::api
