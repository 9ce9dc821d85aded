#pragma once
// Creating orgs and their keys. Used by `switchboard org create` and by the first start of a
// server on an empty database.

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

}  // namespace sb::orgs
