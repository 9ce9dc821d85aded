// Catalog group: assistants, squads, tools.

#include "app/catalog/catalog.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/tools/tool_spec.hpp"

namespace sb::app {

void add_agents(Catalog& catalog) {
  catalog.add(tools::tool_spec(), {"/tool", "/tool/{id}", {}, {}});
  catalog.add(assistants::assistant_spec(), {"/assistant", "/assistant/{id}", {}, {}});
  catalog.add(squads::squad_spec(), {"/squad", "/squad/{id}", {}, {}});
}

}  // namespace sb::app
