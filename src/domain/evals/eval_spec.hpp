#pragma once
// Evals (/eval): mock conversations with the judgements an assistant's replies must pass;
// and their runs (/eval/run), which only the eval runner creates (POST /eval/run is a 501
// until it exists), so runs can be listed, read and deleted but never written here.

#include "domain/resources/resource_spec.hpp"

namespace sb::evals {

resources::ResourceSpec eval_spec();
resources::ResourceSpec eval_run_spec();

}  // namespace sb::evals
