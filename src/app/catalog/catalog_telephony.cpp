// Catalog group: telephony (phone numbers).

#include <memory>

#include "app/catalog/catalog.hpp"
#include "domain/phone_numbers/phone_number_spec.hpp"
#include "telephony/provider_numbers.hpp"

namespace sb::app {

TelephonySpecs add_telephony(Catalog& catalog) {
  const auto& deps = catalog.deps();
  auto spec = phone_numbers::phone_number_spec(deps.number_pool);
  // Importing a twilio/vonage/telnyx number points its voice webhook at this server first.
  if (deps.http) {
    auto importer = std::make_shared<const telephony::NumberImporter>(
        *deps.http, deps.store, catalog.service(), deps.provider_apis, deps.public_url);
    spec.before_create = [importer](const boost::json::object& body, const std::string& org_id,
                                    telephony::Done done) {
      importer->point(body, org_id, std::move(done));
    };
  }
  return {catalog.add(std::move(spec),
                      {"/phone-number", "/phone-number/{id}", {"/v2/phone-number"}, {}})};
}

}  // namespace sb::app
