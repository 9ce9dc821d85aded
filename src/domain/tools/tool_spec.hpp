#pragma once
// Tools on the generic resource engine: every type of the contract's oneOf, discriminated by
// `type`, which a PATCH may restate but not change. The credentials and files a tool names must
// be the org's, wherever the tool is kept (saved, or inline in an assistant).

#include <string>
#include <vector>

#include "domain/resources/resource_spec.hpp"

namespace sb::tools {

/// The ids a tool configuration at `prefix` ("" for a saved tool, "model.tools[]." for an
/// assistant's inline tools) names: its own credential (apiRequest, code), the credentials of
/// its servers (its own, a handoff's dynamic destinations') and its knowledge bases' files.
std::vector<resources::ReferenceRule> tool_references(const std::string& prefix);

resources::ResourceSpec tool_spec();

}  // namespace sb::tools
