#pragma once
// GET /v2/campaign/{id}/contacts: a page of the campaign's contacts (see campaign_spec.hpp),
// filtered by `status` (repeated for several), sorted by position or status.

#include "app/catalog/catalog.hpp"

namespace sb::api {

class CampaignContactsRoute final : public app::RouteProvider {
 public:
  /// `campaigns` is the campaign spec the catalog serves.
  CampaignContactsRoute(const app::Catalog& catalog, const resources::ResourceSpec& campaigns);
  int register_routes(http::Router& router) override;

 private:
  const app::Catalog& catalog_;
  const resources::ResourceSpec& campaigns_;
};

}  // namespace sb::api
