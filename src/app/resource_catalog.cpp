#include "app/resource_catalog.hpp"

#include <stdexcept>

#include "api/resources/resource_controller.hpp"
#include "domain/phone_numbers/phone_number_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/router.hpp"

namespace sb::app {

ResourceCatalog::ResourceCatalog(storage::Store& store, const SecretBox& secrets,
                                 std::shared_ptr<const contract::Contract> contract,
                                 const phone_numbers::NumberPool& pool)
    : service_(std::make_unique<resources::ResourceService>(secrets)) {
  auto add = [&](resources::ResourceSpec spec, api::ResourceRoutes routes) {
    specs_.push_back(std::make_unique<resources::ResourceSpec>(std::move(spec)));
    controllers_.push_back(std::make_unique<api::ResourceController>(
        store, *service_, contract, *specs_.back(), std::move(routes)));
  };
  add(phone_numbers::phone_number_spec(pool),
      {"/phone-number", "/phone-number/{id}", {"/v2/phone-number"}, {}});
}

ResourceCatalog::~ResourceCatalog() = default;

void ResourceCatalog::register_routes(http::Router& router) {
  for (const auto& c : controllers_)
    if (c->register_routes(router) == 0)
      throw std::logic_error("a catalog entry matches no operation of the contract");
}

}  // namespace sb::app
