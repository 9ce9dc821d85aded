#pragma once
// Creating orgs and their keys, adding and deleting keys. Used by `switchboard org create` and by
// the first start of a server on an empty database.

#include <optional>
#include <string>
#include <string_view>

namespace sb::storage {
class Session;
}

namespace sb::orgs {

struct NewOrg {
  std::string org_id;
  std::string api_key;  ///< the private key, shown once; only its digest is stored
};

/// Creates an org with one private key: `preset_key` when given (it must be 8–256 printable
/// characters without spaces), else a random UUID. Run inside a write job.
NewOrg create_org(storage::Session& session, std::string_view name,
                  std::optional<std::string> preset_key = std::nullopt);

/// A new random private key for an existing org (to rotate: add one, move clients, delete the
/// old). Throws std::invalid_argument when there is no such org. Run inside a write job.
std::string add_key(storage::Session& session, std::string_view org_id);

/// Deletes a private or public key; false when no org has it. Once committed, every instance
/// refuses it. Run inside a write job.
bool delete_key(storage::Session& session, std::string_view api_key);

}  // namespace sb::orgs
