#include "app/catalog/catalog.hpp"

#include <stdexcept>

#include "domain/resources/resource_service.hpp"
#include "http/router.hpp"

namespace sb::app {
namespace {

// The generic controller as a route provider.
class ResourceEntry final : public RouteProvider {
 public:
  explicit ResourceEntry(std::unique_ptr<api::ResourceController> controller)
      : controller_(std::move(controller)) {}
  int register_routes(http::Router& router) override {
    return controller_->register_routes(router);
  }

 private:
  std::unique_ptr<api::ResourceController> controller_;
};

}  // namespace

Catalog::Catalog(CatalogDeps deps)
    : deps_(std::move(deps)),
      service_(std::make_unique<resources::ResourceService>(deps_.secrets, *deps_.clock)) {}

Catalog::~Catalog() = default;

const resources::ResourceSpec& Catalog::add(resources::ResourceSpec spec,
                                            api::ResourceRoutes routes) {
  specs_.push_back(std::make_unique<resources::ResourceSpec>(std::move(spec)));
  auto controller = std::make_unique<api::ResourceController>(
      deps_.store, *service_, deps_.contract, *specs_.back(), std::move(routes));
  add(std::make_unique<ResourceEntry>(std::move(controller)));
  return *specs_.back();
}

void Catalog::add(std::unique_ptr<RouteProvider> provider) {
  providers_.push_back(std::move(provider));
}

void Catalog::register_routes(http::Router& router) {
  for (const auto& p : providers_)
    if (p->register_routes(router) == 0)
      throw std::logic_error("a catalog entry matches no operation of the contract");
}

}  // namespace sb::app
