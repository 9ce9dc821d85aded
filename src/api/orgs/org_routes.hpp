#pragma once
// GET /org (a list of the caller's one org) and GET and PATCH /org/{id}: the caller's own org (its
// name and its webhook `server`, the last in the precedence of where server messages go). Any other
// id, existing or not, is 404 "Org not found": a key sees its own org only.

#include <memory>

#include "api/common/route_provider.hpp"

namespace sb::contract {
class Contract;
}

namespace sb::storage {
class Store;
}

namespace sb::api {

class OrgRoutes final : public RouteProvider {
 public:
  OrgRoutes(storage::Store& store, std::shared_ptr<const contract::Contract> contract);
  int register_routes(http::Router& router) override;

 private:
  storage::Store& store_;
  std::shared_ptr<const contract::Contract> contract_;
};

}  // namespace sb::api
