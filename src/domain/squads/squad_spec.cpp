#include "domain/squads/squad_spec.hpp"

namespace sb::squads {

resources::ResourceSpec squad_spec() {
  resources::ResourceSpec spec;
  spec.kind = "squad";
  spec.noun = "Squad";
  // Members name saved assistants. An assistant configuration the squad holds (a transient
  // member, a member's overrides, the overrides of all members) attaches saved tools as an
  // assistant does. Handoff destinations (assistantDestinations, handoff tools) are resolved
  // when the handoff happens, by assistantName or id, like transfer destinations: not checked.
  spec.references = {
      {"members[].assistantId", "assistant", {}},
      {"members[].assistant.model.toolIds[]", "tool", {}},
      {"members[].assistantOverrides.model.toolIds[]", "tool", {}},
      {"membersOverrides.model.toolIds[]", "tool", {}},
  };
  return spec;
}

}  // namespace sb::squads
