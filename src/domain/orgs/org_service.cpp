#include "domain/orgs/org_service.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "storage/org_repository.hpp"
#include "storage/store.hpp"

namespace sb::orgs {

NewOrg create_org(storage::Session& session, std::string_view name,
                  std::optional<std::string> preset_key) {
  if (name.empty() || name.size() > 200)
    throw std::invalid_argument("an org name must be 1 to 200 characters");
  NewOrg out{new_uuid(), preset_key.value_or(new_uuid())};
  const bool printable = std::all_of(out.api_key.begin(), out.api_key.end(),
                                     [](unsigned char c) { return c > 0x20 && c < 0x7f; });
  if (out.api_key.size() < 8 || out.api_key.size() > 256 || !printable)
    throw std::invalid_argument("an API key must be 8 to 256 printable characters without spaces");
  const auto now = now_ms();
  auto& orgs = session.orgs();
  orgs.insert_org(out.org_id, name, now);
  orgs.insert_key(sha256_hex(out.api_key), out.org_id, storage::KeyKind::kPrivate, now);
  return out;
}

std::string add_key(storage::Session& session, std::string_view org_id) {
  auto& orgs = session.orgs();
  if (!orgs.find_org(org_id))
    throw std::invalid_argument("no org has the id " + std::string(org_id));
  std::string key = new_uuid();
  orgs.insert_key(sha256_hex(key), org_id, storage::KeyKind::kPrivate, now_ms());
  return key;
}

bool delete_key(storage::Session& session, std::string_view api_key) {
  return session.orgs().delete_key(sha256_hex(api_key));
}

}  // namespace sb::orgs
