// Catalog group: credentials and files.

#include "app/catalog/catalog.hpp"

namespace sb::app {

void add_credentials_files(Catalog& catalog) { (void)catalog; }

}  // namespace sb::app
