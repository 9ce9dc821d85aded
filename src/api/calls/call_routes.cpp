#include "api/calls/call_routes.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "domain/calls/websocket_call.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "net/handover.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/twilio_transport.hpp"
#include "runtime/voice/websocket_transport.hpp"

namespace sb::api {
namespace json = boost::json;

CallRoutes::CallRoutes(const contract::Contract& contract, voice::LiveCalls& calls)
    : contract_(contract), calls_(calls) {}

int CallRoutes::register_routes(http::Router& router) {
  const auto* op = contract_.operation("POST", "/call");
  if (!op) throw std::logic_error("no contract operation POST /call");
  http::Route route;
  route.method = http::Method::kPost;
  route.path = "/call";
  route.operation = op;
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    auto body = std::move(ctx.body.as_object());
    if (!calls::wants_websocket_transport(body)) {
      if (body.contains("phoneNumberId") || body.contains("phoneNumber") ||
          body.contains("customers"))
        return reply(http::error_response(
            501,
            "Dialling phone calls out needs the carriers' outbound support, which this "
            "server does not have yet; calls over transport vapi.websocket work"));
      return reply(http::error_response(
          400,
          "This server places calls over transport {\"provider\": \"vapi.websocket\"} "
          "(web calls over Daily are Vapi's own)"));
    }
    calls_.create(std::move(ctx.org_id), std::move(body),
                  [reply](std::exception_ptr error, json::object call) {
                    if (error) return reply(http::error_response(error, ""));
                    reply(http::Response::json(201, json_text(call)));
                  });
  };
  router.add(std::move(route));
  router.add(control_route());
  return 2;
}

// POST /{id}/control (monitor.controlUrl), outside the API document and without a key as
// Vapi's: the call's id is the capability, and it only works while the call is live here.
namespace {

// A handoff names a member of the call's squad; one to a transient assistant would need it
// resolved and its engines started mid-call.
std::optional<http::Response> handoff_refusal(const json::object& body) {
  const auto* destination = object_at(body, "destination");
  if (!destination || string_at(*destination, "type") != "assistant")
    return http::error_response(400, "A handoff's destination is {type: assistant, ...}");
  if (!string_at(*destination, "assistantName").empty() ||
      !string_at(*destination, "assistantId").empty())
    return std::nullopt;
  if (destination->contains("assistant"))
    return http::error_response(
        501,
        "Handoffs to a transient assistant are not available on this server yet; name a "
        "member of the call's squad (assistantName)");
  return http::error_response(400, "A handoff's destination names assistantName or assistantId");
}

}  // namespace

http::Route CallRoutes::control_route() const {
  http::Route route;
  route.method = http::Method::kPost;
  route.path = "/{id}/control";
  route.authenticated = false;
  route.body_limit = 64 * 1024;
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    const auto id = ctx.request.param("id");
    json::value body;
    try {
      body = json::parse(ctx.request.body);
    } catch (const std::exception&) {
    }
    if (!body.is_object() || string_at(body.as_object(), "type").empty())
      return reply(http::error_response(400, "A control message is a JSON object with a type"));
    const auto type = string_at(body.as_object(), "type");
    static const std::set<std::string_view> kServed{"say", "add-message", "control", "end-call",
                                                    "handoff"};
    if (type == "transfer")
      return reply(http::error_response(
          501, "Transfers of live calls are not available on this server yet"));
    if (!kServed.contains(type))
      return reply(http::error_response(400, "Unknown control message type " + std::string(type)));
    if (type == "handoff")
      if (auto refusal = handoff_refusal(body.as_object())) return reply(std::move(*refusal));
    try {
      if (!calls_.control(id, std::move(body.as_object())))
        return reply(
            http::error_response(404, "No live call " + std::string(id) + " on this server"));
    } catch (...) {
      return reply(http::error_response(std::current_exception(), ""));
    }
    reply(http::Response::json(200, "{}"));
  };
  return route;
}

std::string_view transport_call_id(std::string_view path) {
  constexpr std::string_view kSuffix = "/transport";
  if (path.size() < kSuffix.size() + 2 || path.front() != '/' ||
      path.substr(path.size() - kSuffix.size()) != kSuffix)
    return {};
  const auto id = path.substr(1, path.size() - kSuffix.size() - 1);
  return is_uuid(id) ? id : std::string_view();
}

namespace {

net::ConnectionTaker refusal(int status, std::string message) {
  static const std::map<int, std::string> kErrors{
      {403, "Forbidden"}, {404, "Not Found"}, {409, "Conflict"}};
  return [status, message = std::move(message)](net::Handover&& connection) {
    net::refuse_websocket(
        std::move(connection), status,
        json_text(json::object{
            {"message", message}, {"error", kErrors.at(status)}, {"statusCode", status}}));
  };
}

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

std::string_view twilio_stream_call_id(std::string_view path) {
  constexpr std::string_view kPrefix = "/twilio/stream/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return {};
  const auto id = path.substr(kPrefix.size());
  return is_uuid(id) ? id : std::string_view();
}

net::ConnectionTaker CallRoutes::upgrade(const http::Request& head) const {
  const auto websocket_id = transport_call_id(head.path);
  const auto twilio_id = twilio_stream_call_id(head.path);
  const auto id = websocket_id.empty() ? twilio_id : websocket_id;
  if (id.empty() || !net::is_websocket_upgrade(head)) return {};
  auto [claim, call] = calls_.claim(id, head);
  using Claim = voice::LiveCalls::Claim;
  switch (claim) {
    case Claim::kUnknown:
      return refusal(404, "No live call " + std::string(id) + " on this server");
    case Claim::kTaken:
      return refusal(409, "This call already has its media connection");
    case Claim::kRefused:
      return refusal(403, "The signature of this stream request is missing or does not match");
    case Claim::kClaimed:
      break;
  }
  if (!twilio_id.empty()) {
    return [call, head](net::Handover&& connection) {
      net::accept_websocket(std::move(connection), head, voice::TwilioTransport::limits(),
                            [call](std::shared_ptr<net::WebSocket> socket) {
                              auto transport =
                                  std::make_shared<voice::TwilioTransport>(std::move(socket), call);
                              call->connected(transport);
                              return transport;
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
