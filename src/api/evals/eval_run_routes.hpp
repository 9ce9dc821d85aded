#pragma once
// POST /eval/run: starts an eval run (runtime/evals/eval_runner) and answers the run as
// stored, `queued`; GET, list and DELETE of runs are the generic resource routes.

#include "api/common/route_provider.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::evals {
class EvalRunner;
}

namespace sb::api {

class EvalRunRoutes final : public RouteProvider {
 public:
  EvalRunRoutes(const contract::Contract& contract, const evals::EvalRunner& runner)
      : contract_(contract), runner_(runner) {}
  int register_routes(http::Router& router) override;

 private:
  const contract::Contract& contract_;
  const evals::EvalRunner& runner_;
};

}  // namespace sb::api
