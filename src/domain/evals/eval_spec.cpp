#include "domain/evals/eval_spec.hpp"

namespace sb::evals {

resources::ResourceSpec eval_spec() {
  resources::ResourceSpec spec;
  spec.kind = "eval";
  spec.noun = "Eval";
  spec.search_fields = {"name"};
  return spec;
}

resources::ResourceSpec eval_run_spec() {
  resources::ResourceSpec spec;
  spec.kind = "eval-run";
  spec.noun = "Eval run";
  spec.search_fields = {};
  return spec;
}

}  // namespace sb::evals
