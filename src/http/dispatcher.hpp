#pragma once
// Turns a parsed request into a handler call: routing, authentication, and the contract checks
// every route shares (path parameters, query, JSON body). Runs on an I/O thread and never
// blocks: a key that is not cached is looked up through the Authenticator's asynchronous path.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/message.hpp"
#include "http/router.hpp"

namespace sb::contract {
class Contract;
}

namespace sb::http {

/// Resolves a bearer token to its org.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// Calls `done` exactly once, on any thread, with the org id or nullopt when the key is not
  /// a valid private key.
  virtual void authenticate(std::string token,
                            std::function<void(std::optional<std::string> org_id)> done) = 0;
};

class Dispatcher {
 public:
  Dispatcher(Router router, Authenticator& auth,
             std::shared_ptr<const contract::Contract> contract);

  void dispatch(Request&& request, Reply reply) const;

  const Router& router() const { return router_; }

 private:
  void run_route(const Route& route, Context&& ctx, Reply reply) const;

  Router router_;
  Authenticator& auth_;
  std::shared_ptr<const contract::Contract> contract_;
};

}  // namespace sb::http
