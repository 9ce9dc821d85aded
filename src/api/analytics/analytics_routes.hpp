#pragma once
// POST /analytics (AnalyticsQueryDTO → AnalyticsQueryResult[]) and the insights' runs
// (POST /reporting/insight/{id}/run, /reporting/insight/preview): the rules are
// domain/analytics, the aggregation runs in the database on a reader connection.

#include "api/common/route_provider.hpp"

namespace sb {
class Clock;
}
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

class AnalyticsRoutes final : public RouteProvider {
 public:
  /// `insights` is the insight spec the catalog serves.
  AnalyticsRoutes(storage::Store& store, const resources::ResourceService& service,
                  const contract::Contract& contract, const Clock& clock,
                  const resources::ResourceSpec& insights);
  int register_routes(http::Router& router) override;

 private:
  storage::Store& store_;
  const resources::ResourceService& service_;
  const resources::ResourceSpec& insights_;
  const contract::Contract& contract_;
  const Clock& clock_;
};

}  // namespace sb::api
