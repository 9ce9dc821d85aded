#pragma once
// Several instances on one database: a request for a live call that reaches an instance other
// than the call's owner (the one holding its media socket) is relayed to the owner, which
// answers it as if it had come to it directly; its answer goes back to the caller unchanged.
// The request is relayed as it came (same path and query, body, the headers the route reads),
// so the owner checks it as it checks its own: the monitorPlan's key for controlUrl, the
// carrier's signature (computed over --public-url, the same on every instance) for a status
// callback. A relayed request carries kForwardedHeader and is never relayed again.

#include <functional>
#include <string>

#include "http/message.hpp"

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

 private:
  const voice::CallOwners& owners_;
  net::HttpClient& http_;
};

}  // namespace sb::api
