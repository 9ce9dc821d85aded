// Catalog group: assistants, squads, tools.

#include "app/catalog/catalog.hpp"

namespace sb::app {

void add_agents(Catalog& catalog) { (void)catalog; }

}  // namespace sb::app
