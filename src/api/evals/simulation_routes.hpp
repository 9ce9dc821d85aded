#pragma once
// The simulation routes the generic resource routes cannot serve: starting a run
// (POST /eval/simulation/run), canceling it or one item (PATCH), its items
// (GET /eval/simulation/run/{id}/item[/{itemId}]), an item's improvement suggestions
// (POST .../generate), generated scenarios (POST /eval/simulation/scenario/generate) and the
// concurrency bound (GET /eval/simulation/concurrency). The work is the simulation runner's.

#include "api/common/route_provider.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::evals {
class SimulationRunner;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::storage {
class Store;
}

namespace sb::api {

class SimulationRoutes final : public RouteProvider {
 public:
  SimulationRoutes(storage::Store& store, const resources::ResourceService& service,
                   const contract::Contract& contract, evals::SimulationRunner& runner,
                   const resources::ResourceSpec& runs, const resources::ResourceSpec& items)
      : store_(store),
        service_(service),
        contract_(contract),
        runner_(runner),
        runs_(runs),
        items_(items) {}
  int register_routes(http::Router& router) override;

 private:
  storage::Store& store_;
  const resources::ResourceService& service_;
  const contract::Contract& contract_;
  evals::SimulationRunner& runner_;
  const resources::ResourceSpec& runs_;
  const resources::ResourceSpec& items_;
};

}  // namespace sb::api
