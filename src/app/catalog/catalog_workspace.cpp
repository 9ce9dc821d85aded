// Catalog group: structured outputs, insights, evals, scorecards, provider resources, sessions, campaigns, chats and calls (stored parts), and 501s for behaviour that belongs to later work.

#include "app/catalog/catalog.hpp"

namespace sb::app {

void add_workspace(Catalog& catalog) { (void)catalog; }

}  // namespace sb::app
