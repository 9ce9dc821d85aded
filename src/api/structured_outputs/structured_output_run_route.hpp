#pragma once
// POST /structured-output/run: runtime/analysis/structured_output_runs.hpp does the work; this
// answers 200 with its result (the preview's values, or the message of a stored run).

#include "api/common/route_provider.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::analysis {
class StructuredOutputRuns;
}

namespace sb::api {

class StructuredOutputRunRoute final : public RouteProvider {
 public:
  StructuredOutputRunRoute(const contract::Contract& contract,
                           const analysis::StructuredOutputRuns& runs)
      : contract_(contract), runs_(runs) {}
  int register_routes(http::Router& router) override;

 private:
  const contract::Contract& contract_;
  const analysis::StructuredOutputRuns& runs_;
};

}  // namespace sb::api
