#include "domain/assistants/assistant_spec.hpp"

namespace sb::assistants {

resources::ResourceSpec assistant_spec() {
  resources::ResourceSpec spec;
  spec.kind = "assistant";
  spec.noun = "Assistant";
  // Attached tools are loaded with the assistant, so they must exist when it is written.
  // Deleting a tool later leaves the id in place: at run time a missing tool is skipped.
  spec.references = {{"model.toolIds[]", "tool", {}}};
  // Vapi reports whether a server URL secret is set; the current DTO has no way to set one
  // (webhook auth goes through server.credentialId), so it is always false.
  spec.create_defaults = {{"isServerUrlSecretSet", false}};
  return spec;
}

}  // namespace sb::assistants
