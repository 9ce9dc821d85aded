#include "runtime/voice/carriers.hpp"

#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/store.hpp"

namespace sb::voice {

Carriers::Carriers(storage::Store& store, const resources::ResourceService& service,
                   const resources::ResourceSpec& phone_numbers,
                   const resources::ResourceSpec& credentials,
                   std::vector<std::unique_ptr<OutboundCarrier>> carriers)
    : store_(store),
      service_(service),
      phone_numbers_(phone_numbers),
      credentials_(credentials),
      carriers_(std::move(carriers)) {}

OutboundCarrier* Carriers::find(std::string_view provider) const {
  for (const auto& carrier : carriers_)
    if (carrier->provider() == provider) return carrier.get();
  return nullptr;
}

std::vector<std::string> Carriers::providers() const {
  std::vector<std::string> names;
  for (const auto& carrier : carriers_)
    if (carrier->calls_back()) names.emplace_back(carrier->provider());
  return names;
}

void Carriers::load_number(const std::string& org_id, std::string number_id,
                           std::function<void(std::exception_ptr, DialingNumber)> done) const {
  store_.post_read([this, org_id, number_id = std::move(number_id),
                    done = std::move(done)](storage::Session& s) mutable {
    DialingNumber n;
    try {
      n.number = service_.load(s, phone_numbers_, org_id, number_id);
      for (auto& [key, value] : service_.secrets_of(s, phone_numbers_, org_id, number_id))
        n.number[key] = value;
      const auto* carrier = find(string_at(n.number, "provider"));
      const auto credential_id = ascii_lower(string_at(n.number, "credentialId"));
      // A credential deleted since leaves none: the carrier's check says what is missing.
      if (carrier && carrier->keys_on_credential() && !credential_id.empty() &&
          s.resources().find(credentials_.kind, org_id, credential_id)) {
        n.credential = service_.load(s, credentials_, org_id, credential_id);
        for (auto& [key, value] : service_.secrets_of(s, credentials_, org_id, credential_id))
          n.credential[key] = value;
      }
    } catch (...) {
      return done(std::current_exception(), {});
    }
    done(nullptr, std::move(n));
  });
}

}  // namespace sb::voice
