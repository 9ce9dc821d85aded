// Catalog group: assistants, squads, tools.

#include "app/catalog/catalog.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/tools/tool_spec.hpp"

namespace sb::app {

AgentSpecs add_agents(Catalog& catalog) {
  const auto& tools = catalog.add(tools::tool_spec(), {"/tool", "/tool/{id}", {}, {}});
  const auto& assistants =
      catalog.add(assistants::assistant_spec(), {"/assistant", "/assistant/{id}", {}, {}});
  const auto& squads = catalog.add(squads::squad_spec(), {"/squad", "/squad/{id}", {}, {}});
  return {assistants, squads, tools};
}

}  // namespace sb::app
