#include "api/openapi/api_json_route.hpp"

#include "contract/contract.hpp"
#include "http/router.hpp"

namespace sb::api {

ApiJsonRoute::ApiJsonRoute(const contract::Contract& contract)
    : document_(std::make_shared<const std::string>(contract.openapi_json())) {}

int ApiJsonRoute::register_routes(http::Router& router) {
  http::Route route;
  route.method = http::Method::kGet;
  route.path = "/api-json";
  route.authenticated = false;
  route.handler = [document = document_](http::Context&&, http::Reply reply) {
    reply(http::Response::json(200, document));
  };
  router.add(std::move(route));
  return 1;
}

}  // namespace sb::api
