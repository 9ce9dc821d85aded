#pragma once
// Assistants on the generic resource engine: the tools they attach by id (model.toolIds), the
// credentials they name (credentialIds, every server's credentialId) and the files of their
// inline tools must be the same org's, and every response carries the fields a Vapi assistant
// has beyond its body.

#include <string>
#include <vector>

#include "domain/resources/resource_spec.hpp"

namespace sb::assistants {

/// The ids an assistant configuration at `prefix` ("" for a saved assistant, "membersOverrides."
/// for the overrides a squad applies to its members) names: saved tools, credentials, the
/// credentials of every server it calls, and what its inline tools name (tool_references).
std::vector<resources::ReferenceRule> assistant_configuration_references(const std::string& prefix);

resources::ResourceSpec assistant_spec();

}  // namespace sb::assistants
