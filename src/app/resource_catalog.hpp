#pragma once
// Every configuration resource the server serves on the generic engine: its spec (rules),
// the paths it answers, and its controller. Adding a resource is one entry in
// resource_catalog.cpp.

#include <memory>
#include <vector>

namespace sb {
class SecretBox;
}
namespace sb::contract {
class Contract;
}
namespace sb::storage {
class Store;
}
namespace sb::http {
class Router;
}
namespace sb::phone_numbers {
class NumberPool;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::api {
class ResourceController;
}

namespace sb::app {

class ResourceCatalog {
 public:
  /// `pool` must outlive the catalog.
  ResourceCatalog(storage::Store& store, const SecretBox& secrets,
                  std::shared_ptr<const contract::Contract> contract,
                  const phone_numbers::NumberPool& pool);
  ~ResourceCatalog();

  void register_routes(http::Router& router);

 private:
  std::unique_ptr<resources::ResourceService> service_;
  std::vector<std::unique_ptr<resources::ResourceSpec>> specs_;
  std::vector<std::unique_ptr<api::ResourceController>> controllers_;
};

}  // namespace sb::app
