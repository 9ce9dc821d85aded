// Catalog group: telephony (phone numbers).

#include "app/catalog/catalog.hpp"
#include "domain/phone_numbers/phone_number_spec.hpp"

namespace sb::app {

void add_telephony(Catalog& catalog) {
  catalog.add(phone_numbers::phone_number_spec(catalog.deps().number_pool),
              {"/phone-number", "/phone-number/{id}", {"/v2/phone-number"}, {}});
}

}  // namespace sb::app
