#pragma once
// GET /v2/campaign/{id}/contacts: a page of the campaign's contacts (see campaign_spec.hpp),
// filtered by `status` (repeated for several), sorted by position or status.

#include "api/common/route_provider.hpp"

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

class CampaignContactsRoute final : public RouteProvider {
 public:
  /// `campaigns` is the campaign spec the catalog serves.
  CampaignContactsRoute(storage::Store& store, const resources::ResourceService& service,
                        const contract::Contract& contract,
                        const resources::ResourceSpec& campaigns);
  int register_routes(http::Router& router) override;

 private:
  storage::Store& store_;
  const resources::ResourceService& service_;
  const contract::Contract& contract_;
  const resources::ResourceSpec& campaigns_;
};

}  // namespace sb::api
