#include "domain/squads/squad_spec.hpp"

#include "domain/assistants/assistant_spec.hpp"

namespace sb::squads {

resources::ResourceSpec squad_spec() {
  resources::ResourceSpec spec;
  spec.kind = "squad";
  spec.noun = "Squad";
  // Members name saved assistants. An assistant configuration the squad holds (a transient
  // member, a member's overrides, the overrides of all members) names tools, credentials and
  // files as an assistant does. The assistants handoff destinations name (assistantDestinations,
  // handoff tools) are resolved when the handoff happens, by assistantName or id, like transfer
  // destinations: not checked.
  spec.references = {{"members[].assistantId", "assistant", {}}};
  for (const char* configuration :
       {"members[].assistant.", "members[].assistantOverrides.", "membersOverrides."})
    for (auto& rule : assistants::assistant_configuration_references(configuration))
      spec.references.push_back(std::move(rule));
  return spec;
}

}  // namespace sb::squads
