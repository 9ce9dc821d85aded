#pragma once
// GET /api-json: the contract as an OpenAPI document, as a NestJS app serves its Swagger JSON
// (Vapi's own is at https://api.vapi.ai/api-json). Public, like NestJS's: it describes the
// API, not any org's data, and tools fetch it without a key. Built once at start-up (it
// takes milliseconds) and served as the same bytes every time.

#include <memory>
#include <string>

#include "api/common/route_provider.hpp"

namespace sb::contract {
class Contract;
}

namespace sb::api {

class ApiJsonRoute final : public RouteProvider {
 public:
  explicit ApiJsonRoute(const contract::Contract& contract);
  int register_routes(http::Router& router) override;

 private:
  std::shared_ptr<const std::string> document_;
};

}  // namespace sb::api
