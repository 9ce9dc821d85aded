#pragma once

#include <utility>
#include <vector>

#include "storage/change_feed.hpp"
#include "storage/resource_repository.hpp"

namespace sb::storage::sqlite {

class Connection;

class SqliteResourceRepository final : public ResourceRepository {
 public:
  explicit SqliteResourceRepository(Connection& db) : db_(db) {}
  std::optional<ResourceRecord> find(std::string_view kind, std::string_view org_id,
                                     std::string_view id) override;
  DocumentPage list(std::string_view kind, std::string_view org_id,
                    const ResourceQuery& query) override;
  void insert(const ResourceRecord& record) override;
  void update(const ResourceRecord& record) override;
  bool remove(std::string_view kind, std::string_view org_id, std::string_view id,
              const std::vector<UniqueKey>& held) override;
  std::optional<UniqueKey> claim_keys(std::string_view kind, std::string_view org_id,
                                      std::string_view id, const std::vector<UniqueKey>& held,
                                      const std::vector<UniqueKey>& wanted) override;
  std::vector<ResourceRecord> find_by_key_in_any_org(std::string_view kind, std::string_view name,
                                                     std::string_view value) override;
  std::vector<ResourceRecord> find_in_any_org(std::string_view kind,
                                              const std::vector<FieldFilter>& fields) override;
  bool key_taken(std::string_view kind, std::string_view org_id, const UniqueKey& key) override;

  /// The changes written since the last call, for the store to publish once they commit.
  std::vector<ResourceChange> take_changes() { return std::exchange(changes_, {}); }

 private:
  void release_keys(std::string_view kind, std::string_view org_id, std::string_view id,
                    const std::vector<UniqueKey>& keys);

  Connection& db_;
  std::vector<ResourceChange> changes_;
};

}  // namespace sb::storage::sqlite
