// A live call's monitor: POST /{id}/control (monitor.controlUrl) and the WebSocket
// /{id}/listen (monitor.listenUrl). Outside the API document; without a key as Vapi's (the
// call's id is the capability) unless the assistant's monitorPlan asks for one, and only while
// the call is live: here, or on the instance owning it, where a request (or a listener's
// connection) reaching another instance is relayed (call_forwarding.hpp).

#include <set>

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include "api/calls/call_forwarding.hpp"
#include "api/calls/call_routes.hpp"
#include "core/json_fields.hpp"
#include "http/dispatcher.hpp"
#include "http/error_response.hpp"
#include "net/handover.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/call_listeners.hpp"

namespace sb::api {
namespace json = boost::json;
using calls::MonitorAccess;
using calls::MonitorEndpoint;

namespace {

std::string not_live(std::string_view id) {
  return "No live call " + std::string(id) + " on this server";
}

std::string_view plan_field(MonitorEndpoint endpoint) {
  return endpoint == MonitorEndpoint::kListen ? "listenEnabled" : "controlEnabled";
}

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

// A transfer names a phone number or SIP URI to move the caller to (whether the call can be
// moved is the live calls' to say).
std::optional<http::Response> transfer_refusal(const json::object& body) {
  const auto* destination = object_at(body, "destination");
  const auto type = destination ? string_at(*destination, "type") : "";
  if (type == "number" && !string_at(*destination, "number").empty()) return std::nullopt;
  if (type == "sip" && !string_at(*destination, "sipUri").empty()) return std::nullopt;
  return http::error_response(
      400, "A transfer's destination is {type: number, number} or {type: sip, sipUri}");
}

// A control message for the live call `id`: say, add-message, control, end-call, handoff.
void control(voice::LiveCalls& calls, const std::string& id, const std::string& text,
             const http::Reply& reply) {
  json::value body;
  try {
    body = json::parse(text);
  } catch (const std::exception&) {
  }
  if (!body.is_object() || string_at(body.as_object(), "type").empty())
    return reply(http::error_response(400, "A control message is a JSON object with a type"));
  const auto type = string_at(body.as_object(), "type");
  static const std::set<std::string_view> kServed{"say",      "add-message", "control",
                                                  "end-call", "handoff",     "transfer"};
  if (!kServed.contains(type))
    return reply(http::error_response(400, "Unknown control message type " + std::string(type)));
  if (type == "handoff")
    if (auto refusal = handoff_refusal(body.as_object())) return reply(std::move(*refusal));
  if (type == "transfer")
    if (auto refusal = transfer_refusal(body.as_object())) return reply(std::move(*refusal));
  try {
    if (!calls.control(id, std::move(body.as_object())))
      return reply(http::error_response(404, not_live(id)));
  } catch (...) {
    return reply(http::error_response(std::current_exception(), ""));
  }
  reply(http::Response::json(200, "{}"));
}

// The listener's handshake, once it may listen: refused when the call has ended since (404) or
// has all its listeners (429).
void take_listener(const std::shared_ptr<voice::LiveCall>& live, const http::Request& head,
                   net::Handover&& connection) {
  auto place = live->reserve_listener();
  if (!place && live->ended())
    return refuse_upgrade(404, not_live(live->id()))(std::move(connection));
  if (!place)
    return refuse_upgrade(429, "This call has its " +
                                   std::to_string(voice::CallListeners::kMaxListeners) +
                                   " listeners already")(std::move(connection));
  net::accept_websocket(std::move(connection), head, voice::CallListeners::limits(),
                        [live, place](std::shared_ptr<net::WebSocket> socket) {
                          return live->listen(std::move(socket), place);
                        });
}

}  // namespace

void CallRoutes::check_monitor(const voice::LiveCalls::Monitored& call, MonitorEndpoint endpoint,
                               const http::Request& request,
                               std::function<void(std::optional<Refusal>)> then) const {
  const auto verdict = calls::monitor_access(call.plan, endpoint, call.org_id, "");
  if (verdict == MonitorAccess::kAllowed) return then(std::nullopt);
  if (verdict == MonitorAccess::kDisabled)
    return then(Refusal{404, "This call's assistant turns it off (monitorPlan." +
                                 std::string(plan_field(endpoint)) + " is false)"});
  std::string token(http::bearer_token(request.authorization));
  if (token.empty())
    return then(Refusal{401,
                        "This call's monitorPlan asks for a key: send `Authorization: Bearer "
                        "<private API key>` of the call's org."});
  auth_.authenticate(
      std::move(token), request.remote_address,
      [plan = call.plan, org = call.org_id, endpoint, then = std::move(then)](http::AuthResult r) {
        if (r.status == http::AuthResult::Status::kThrottled)
          return then(Refusal{429, "Too many requests with unknown API keys from this address."});
        const std::string key_org = r.status == http::AuthResult::Status::kOk ? r.org_id : "";
        if (calls::monitor_access(plan, endpoint, org, key_org) != MonitorAccess::kAllowed)
          return then(Refusal{401,
                              "Invalid API key for this call: use a private key of the call's "
                              "org as the Bearer token."});
        then(std::nullopt);
      });
}

http::Route CallRoutes::control_route() const {
  http::Route route;
  route.method = http::Method::kPost;
  route.path = "/{id}/control";
  route.authenticated = false;
  route.body_limit = 64 * 1024;
  route.headers = {kForwardedHeader};
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    const std::string id = ctx.request.param("id");
    auto call = calls_.monitored(id);
    if (!call && forwarding_)
      return forwarding_->route(id, std::move(ctx.request), std::move(reply),
                                [id](http::Request, const http::Reply& reply) {
                                  reply(http::error_response(404, not_live(id)));
                                });
    if (!call) return reply(http::error_response(404, not_live(id)));
    auto request = std::make_shared<http::Request>(std::move(ctx.request));
    check_monitor(*call, MonitorEndpoint::kControl, *request,
                  [this, id, request, reply](std::optional<Refusal> refused) {
                    if (refused)
                      return reply(http::error_response(refused->status, refused->message));
                    control(calls_, id, request->body, reply);
                  });
  };
  return route;
}

// Answered on the connection's strand, after the key's lookup when the plan asks for one: a
// listener's place is taken only then, so a refused key never holds one.
net::ConnectionTaker CallRoutes::listen_upgrade(const http::Request& head,
                                                std::string_view id) const {
  auto call = calls_.monitored(id);
  if (!call && forwarding_)
    return forwarding_->upgrade(std::string(id), head, refuse_upgrade(404, not_live(id)));
  if (!call) return refuse_upgrade(404, not_live(id));
  return [this, call = std::move(*call), head](net::Handover&& connection) {
    auto held = std::make_shared<net::Handover>(std::move(connection));
    check_monitor(call, MonitorEndpoint::kListen, head,
                  [live = call.call, head, held](std::optional<Refusal> refused) {
                    boost::asio::post(held->socket.get_executor(), [live, head, held, refused] {
                      if (refused)
                        return refuse_upgrade(refused->status, refused->message)(std::move(*held));
                      take_listener(live, head, std::move(*held));
                    });
                  });
  };
}

}  // namespace sb::api
