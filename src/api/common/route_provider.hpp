#pragma once
// Anything that adds routes to the router: a resource's controller, or a group of routes of
// their own (uploads, providers' webhooks, 501s). The application collects them and registers
// them once at start-up.

namespace sb::http {
class Router;
}

namespace sb::api {

class RouteProvider {
 public:
  virtual ~RouteProvider() = default;
  /// Adds this provider's routes; returns how many (0 means none matched the contract).
  virtual int register_routes(http::Router& router) = 0;
};

}  // namespace sb::api
