#pragma once

#include <utility>
#include <vector>

#include "storage/change_feed.hpp"
#include "storage/org_repository.hpp"

namespace sb::storage::postgres {

class Connection;

class PgOrgRepository final : public OrgRepository {
 public:
  explicit PgOrgRepository(Connection& db) : db_(db) {}
  void insert_org(std::string_view id, std::string_view name, std::int64_t created_at) override;
  void insert_key(std::string_view key_hash, std::string_view org_id, KeyKind kind,
                  std::int64_t created_at) override;
  bool delete_key(std::string_view key_hash) override;
  std::optional<std::string> org_for_private_key(std::string_view key_hash) override;
  std::int64_t org_count() override;
  std::optional<OrgRecord> find_org(std::string_view id) override;
  void update_org(const OrgRecord& org) override;

  /// The changes written since the last call, for the store to publish once they commit.
  std::vector<ResourceChange> take_changes() { return std::exchange(changes_, {}); }

 private:
  Connection& db_;
  std::vector<ResourceChange> changes_;
};

}  // namespace sb::storage::postgres
