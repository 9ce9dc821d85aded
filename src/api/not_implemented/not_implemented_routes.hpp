#pragma once
// Operations whose behaviour belongs to later work (placing calls, analytics queries, eval and
// structured-output runs). Each is a real route: the
// dispatcher validates its path, query and body with the contract (a bad request is still a
// 400), an operation on one object answers that object's 404 when it does not exist, and then
// it answers 501 with NestJS's body and a message naming the capability that will bring it.
// Never a fake success.

#include <string>
#include <vector>

#include "api/common/route_provider.hpp"
#include "http/message.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::storage {
class Store;
}

namespace sb::api {

struct NotImplementedOperation {
  http::Method method;
  std::string path;     ///< the contract's path template
  std::string message;  ///< what is missing and which capability brings it
  /// For operations on one object ({id}): its spec, so a missing object is a 404 first.
  const resources::ResourceSpec* target = nullptr;
};

class NotImplementedRoutes final : public RouteProvider {
 public:
  NotImplementedRoutes(storage::Store& store, const resources::ResourceService& service,
                       const contract::Contract& contract,
                       std::vector<NotImplementedOperation> ops);
  int register_routes(http::Router& router) override;

 private:
  storage::Store& store_;
  const resources::ResourceService& service_;
  const contract::Contract& contract_;
  std::vector<NotImplementedOperation> ops_;
};

}  // namespace sb::api
