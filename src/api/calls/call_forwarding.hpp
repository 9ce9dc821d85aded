#pragma once
// Several instances on one database: a request for a live call that reaches an instance other
// than the call's owner (the one holding its media socket) is relayed to the owner, which
// answers it as if it had come to it directly; its answer goes back to the caller unchanged.
// The request is relayed as it came (same path and query, body, the headers the route reads),
// so the owner checks it as it checks its own: the monitorPlan's key for controlUrl, the
// carrier's signature (computed over --public-url, the same on every instance) for a status
// callback. A relayed request carries kForwardedHeader and is never relayed again. WebSocket
// upgrades (the call's media socket, monitor.listenUrl) are relayed as a byte stream after
// the request: the owner answers the handshake and the frames pass through this instance.

#include <functional>
#include <string>

#include "http/message.hpp"
#include "net/http_server.hpp"

namespace sb::net {
class HttpClient;
}
namespace sb::voice {
class CallOwners;
}

namespace sb::api {

inline constexpr const char* kForwardedHeader = "x-switchboard-forwarded-by";

class CallForwarding {
 public:
  CallForwarding(const voice::CallOwners& owners, net::HttpClient& http)
      : owners_(owners), http_(http) {}

  using Handler = std::function<void(http::Request, http::Reply)>;
  /// For a request about the call `id`, not live on this instance: relays it to the call's
  /// owner when another instance with a current heartbeat owns it (and the request was not
  /// relayed already); otherwise runs `here`, on a thread of the calls' context.
  void route(std::string id, http::Request request, http::Reply reply, Handler here) const;
  /// For a WebSocket upgrade for the call `id` (its media socket, a listener), not live here:
  /// a taker that relays the connection to the call's owner (net::relay_upgrade), or hands it
  /// to `here` when there is none (or the request was relayed already).
  net::ConnectionTaker upgrade(std::string id, const http::Request& head,
                               net::ConnectionTaker here) const;

 private:
  const voice::CallOwners& owners_;
  net::HttpClient& http_;
};

}  // namespace sb::api
