#pragma once
// Evals (/eval): mock conversations with the judgements an assistant's replies must pass;
// and their runs (/eval/run), which only the eval runner creates (runtime/evals/eval_runner),
// so runs can be listed, read and deleted but never written through the generic routes.

#include "domain/resources/resource_spec.hpp"

namespace sb::evals {

resources::ResourceSpec eval_spec();
resources::ResourceSpec eval_run_spec();

}  // namespace sb::evals
