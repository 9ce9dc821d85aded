#pragma once
// Orgs and their API keys. Keys are stored as SHA-256 digests only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::storage {

enum class KeyKind { kPrivate, kPublic };

/// The change-feed kind of a deleted API key.
inline constexpr std::string_view kApiKeyKind = "api_key";

struct OrgRecord {
  std::string id;
  std::string name;
  std::int64_t created_at = 0;  ///< ms since the epoch
  std::int64_t updated_at = 0;  ///< created_at until the first update
  std::string settings;         ///< JSON object of the other Org fields (server, ...)
};

class OrgRepository {
 public:
  virtual ~OrgRepository() = default;
  virtual void insert_org(std::string_view id, std::string_view name, std::int64_t created_at) = 0;
  virtual void insert_key(std::string_view key_hash, std::string_view org_id, KeyKind kind,
                          std::int64_t created_at) = 0;
  /// Removes the key with this digest; false if there is none. Once committed, the key is
  /// refused by every instance (the change feed carries kind kApiKeyKind, id the digest).
  virtual bool delete_key(std::string_view key_hash) = 0;
  /// The org owning the private key with this digest.
  virtual std::optional<std::string> org_for_private_key(std::string_view key_hash) = 0;
  virtual std::int64_t org_count() = 0;
  virtual std::optional<OrgRecord> find_org(std::string_view id) = 0;
  /// Sets name, settings and updated_at of an existing org.
  virtual void update_org(const OrgRecord& org) = 0;
};

}  // namespace sb::storage
