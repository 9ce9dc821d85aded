#include "webhooks/exchange.hpp"

#include <boost/json/parse.hpp>
#include <mutex>

#include "core/json_text.hpp"
#include "core/text.hpp"

namespace sb::webhooks {

namespace json = boost::json;

std::string message_body(json::object message, EpochMs now) {
  if (!message.contains("timestamp")) message["timestamp"] = now;
  json::object body;
  body["message"] = std::move(message);
  return json_text(body);
}

http::Fields request_headers(const ServerPlan& plan, std::string_view message_id) {
  http::Fields headers;
  bool own_type = false;
  for (const auto& [name, value] : plan.headers)
    if (ascii_lower(name) == "content-type") own_type = true;
  if (!own_type) headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back(kMessageIdHeader, std::string(message_id));
  headers.insert(headers.end(), plan.headers.begin(), plan.headers.end());
  return headers;
}

net::OutboundRequest outbound_request(const ServerPlan& plan, std::string body,
                                      std::string_view message_id) {
  net::OutboundRequest request;
  request.method = "POST";
  request.url = plan.url;
  request.headers = request_headers(plan, message_id);
  request.body = std::move(body);
  request.timeout = plan.timeout;
  return request;
}

namespace {

// Where a signed exchange is: cancelled before its transport started, or the transport's own
// cancel once it has.
struct PendingExchange {
  std::mutex mutex;
  bool cancelled = false;
  Cancel sent;

  // Called once the transport started: a cancel that came meanwhile is passed on.
  void started(Cancel cancel) {
    std::unique_lock lock(mutex);
    sent = std::move(cancel);
    if (cancelled && sent) {
      auto cut = sent;
      lock.unlock();
      cut();
    }
  }
  void cancel() {
    std::unique_lock lock(mutex);
    cancelled = true;
    if (auto cut = sent) {
      lock.unlock();
      cut();
    }
  }
};

}  // namespace

Cancel sign_and_send(const Transport& transport, const Signer& signer, const std::string& org_id,
                     const ServerPlan& plan, net::OutboundRequest request,
                     std::function<void(net::OutboundResponse)> done) {
  if (plan.credential_id.empty() || !signer) return transport(std::move(request), std::move(done));
  auto pending = std::make_shared<PendingExchange>();
  // Copied first: the callback below takes the request (argument order is unspecified).
  auto headers = request.headers;
  const std::string url = request.url;
  const std::string body = request.body;
  signer(org_id, plan.credential_id, url, body, std::move(headers),
         [transport, pending, request = std::move(request), done = std::move(done)](
             http::Fields signed_headers, std::string error) mutable {
           bool cancelled = false;
           {
             std::lock_guard lock(pending->mutex);
             cancelled = pending->cancelled;
           }
           if (cancelled || !error.empty()) {
             net::OutboundResponse failed;
             failed.error = cancelled ? "cancelled" : "credential: " + error;
             done(std::move(failed));
             return;
           }
           request.headers = std::move(signed_headers);
           pending->started(transport(std::move(request), std::move(done)));
         });
  return [pending] { pending->cancel(); };
}

std::string failure_of(const net::OutboundResponse& response) {
  if (!response.error.empty()) return response.error;
  if (is_success(response.status)) return "";
  return "status " + std::to_string(response.status);
}

Reply to_reply(const net::OutboundResponse& response) {
  Reply reply;
  reply.status = response.error.empty() ? response.status : 0;
  reply.error = failure_of(response);
  if (!reply.error.empty()) return reply;
  if (!response.body.empty()) {
    boost::system::error_code ec;
    reply.body = json::parse(response.body, ec);
    if (ec) {
      reply.body = nullptr;
      reply.error = "invalid JSON";
      return reply;
    }
  }
  reply.ok = true;
  return reply;
}

}  // namespace sb::webhooks
