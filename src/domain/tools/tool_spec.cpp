#include "domain/tools/tool_spec.hpp"

namespace sb::tools {

resources::ResourceSpec tool_spec() {
  resources::ResourceSpec spec;
  spec.kind = "tool";
  spec.noun = "Tool";
  // The stored type picks the Update*ToolDTO a PATCH is validated with; another type is a 400.
  spec.discriminator = "type";
  return spec;
}

}  // namespace sb::tools
