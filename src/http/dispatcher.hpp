#pragma once
// Turns a parsed request into a handler call: routing, authentication, rate limiting, and the
// contract checks every route shares (path parameters, query, JSON body). Runs on an I/O thread
// and never blocks: a key that is not cached is looked up through the Authenticator's
// asynchronous path.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"

namespace sb::contract {
class Contract;
}

namespace sb::http {

/// What an Authenticator made of a bearer token.
struct AuthResult {
  enum class Status {
    kOk,         ///< a valid private key; org_id is set
    kInvalid,    ///< not a valid private key
    kThrottled,  ///< not looked up: this address asked about too many unknown keys
  };
  Status status = Status::kInvalid;
  std::string org_id;
  std::chrono::nanoseconds retry_after{0};  ///< kThrottled: when to ask again
};

/// Resolves a bearer token to its org.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// Calls `done` exactly once, on any thread. `remote_address` is the client's address (for
  /// throttling lookups of unknown keys).
  virtual void authenticate(std::string token, std::string_view remote_address,
                            std::function<void(AuthResult)> done) = 0;
};

struct DispatcherOptions {
  /// Largest body of a route that sets no limit of its own and takes no JSON body (GET,
  /// DELETE, /health, unknown paths).
  std::size_t body_limit = 2 * 1024 * 1024;
  /// Largest body of a route whose operation takes a JSON body and sets no limit of its own;
  /// never more than body_limit.
  std::size_t json_body_limit = 1024 * 1024;
  /// Requests per org (after authentication); per_second 0 means unlimited.
  RateLimiter::Options org_rate;
};

class Dispatcher {
 public:
  Dispatcher(Router router, Authenticator& auth, std::shared_ptr<const contract::Contract> contract,
             DispatcherOptions options = {});

  void dispatch(Request&& request, Reply reply) const;

  /// The largest body the route of `method` `path` (decoded path) accepts. Cheap enough to
  /// call for every request that carries a body, before reading it.
  std::size_t body_limit(Method method, std::string_view path) const;

  /// Every header name some route reads (Route::headers): the networking layer keeps these
  /// and drops the rest, so the hot path allocates nothing for headers no route wants.
  std::vector<std::string> forwarded_headers() const;

  /// `path` as the access log may show it: the route's secret parameters replaced by
  /// `<redacted>`; unchanged for every other path.
  std::string loggable_path(Method method, std::string_view path) const;

  const Router& router() const { return router_; }

 private:
  std::size_t limit_of(const Route& route) const;
  void authorized(const Route& route, Context&& ctx, Reply reply) const;
  void run_route(const Route& route, Context&& ctx, Reply reply) const;

  Router router_;
  Authenticator& auth_;
  std::shared_ptr<const contract::Contract> contract_;
  DispatcherOptions options_;
  mutable RateLimiter org_limiter_;
};

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, spaces
/// trimmed); "" when there is none.
std::string_view bearer_token(std::string_view header);

/// 429 in NestJS's shape, with Retry-After in whole seconds.
Response too_many_requests(std::string message, std::chrono::nanoseconds retry_after);

}  // namespace sb::http
