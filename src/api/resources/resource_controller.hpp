#pragma once
// The HTTP surface of one configuration resource, on the generic engine: create, get, update,
// delete and its lists, for whichever of those operations the contract declares on the given
// paths. Bodies and queries are validated by the contract; the ResourceSpec supplies the rest.
// Reads of single objects and list pages are answered from a response cache when possible.

#include <memory>
#include <string>
#include <vector>

#include "api/common/response_cache.hpp"
#include "api/resources/list_request.hpp"
#include "http/router.hpp"

namespace sb::contract {
class Contract;
struct Operation;
}  // namespace sb::contract
namespace sb::storage {
class Session;
class Store;
}  // namespace sb::storage
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
struct Written;
}  // namespace sb::resources

namespace sb::api {

struct ResourceRoutes {
  std::string collection;          ///< POST (create) and GET (list), e.g. "/assistant"
  std::string item;                ///< GET, PATCH, DELETE, e.g. "/assistant/{id}"
  std::vector<std::string> lists;  ///< further list paths, e.g. "/v2/phone-number"
  ParamFields param_fields;        ///< list parameters that are not plain field filters
};

class ResourceController {
 public:
  ResourceController(storage::Store& store, const resources::ResourceService& service,
                     std::shared_ptr<const contract::Contract> contract,
                     const resources::ResourceSpec& spec, ResourceRoutes routes);

  /// Adds a route for each operation the contract declares on the paths; returns how many.
  int register_routes(http::Router& router);

 private:
  void create(http::Context&& ctx, http::Reply reply);
  void list(const contract::Operation& op, http::Context&& ctx, http::Reply reply);
  void get(http::Context&& ctx, http::Reply reply);
  void update(http::Context&& ctx, http::Reply reply);
  void remove(http::Context&& ctx, http::Reply reply);
  void write(http::Context&& ctx, http::Reply reply, int status, bool deletes,
             std::function<resources::Written(storage::Session&)> work);

  storage::Store& store_;
  const resources::ResourceService& service_;
  std::shared_ptr<const contract::Contract> contract_;
  const resources::ResourceSpec& spec_;
  ResourceRoutes routes_;
  ResponseCache cache_;
};

}  // namespace sb::api
