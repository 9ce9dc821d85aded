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
  /// `origin`: names this process in the NOTIFYs a writer sends (change_notify.hpp); empty
  /// on a reader's connection.
  PgResourceRepository(Connection& db, std::string origin)
      : db_(db), writer_(!origin.empty()), origin_(std::move(origin)) {}
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
  /// Notes a change to publish after the commit, and NOTIFYs the other instances of it.
  void record(ResourceChange change);
  void release_keys(std::string_view kind, std::string_view org_id, std::string_view id,
                    const std::vector<UniqueKey>& keys);

  Connection& db_;
  bool writer_;
  std::string origin_;
  std::vector<ResourceChange> changes_;
};

}  // namespace sb::storage::postgres
