#pragma once

#include <string>
#include <utility>
#include <vector>

#include "storage/change_feed.hpp"
#include "storage/resource_repository.hpp"

namespace sb::storage::postgres {

class Connection;
class Result;

/// Concurrency: on the writer's connection, find() takes the row's lock (FOR UPDATE) until
/// the commit, so a job's read-modify-write of a document cannot interleave with another
/// instance's. Unique keys are claimed with INSERT ... ON CONFLICT DO NOTHING and a checked
/// row count, so two writers claiming one key cannot both win.
class PgResourceRepository final : public ResourceRepository {
 public:
  /// `writer`: on the writer's connection (find() then locks the row).
  PgResourceRepository(Connection& db, bool writer) : db_(db), writer_(writer) {}
  std::optional<ResourceRecord> find(std::string_view kind, std::string_view org_id,
                                     std::string_view id) override;
  std::optional<ResourceRecord> find_unlocked(std::string_view kind, std::string_view org_id,
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
  /// Notes a change to publish, and to NOTIFY the other instances of, at the commit.
  void record(ResourceChange change);
  std::optional<ResourceRecord> select(std::string_view kind, std::string_view org_id,
                                       std::string_view id, bool lock);
  void release_keys(std::string_view kind, std::string_view org_id, std::string_view id,
                    const std::vector<UniqueKey>& keys);

  Connection& db_;
  bool writer_;
  std::vector<ResourceChange> changes_;
};

}  // namespace sb::storage::postgres
