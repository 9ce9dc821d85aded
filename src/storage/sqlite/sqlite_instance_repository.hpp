#pragma once

#include "storage/instance_repository.hpp"

namespace sb::storage::sqlite {

class Connection;
class Statement;

/// One instance per SQLite file: its own rows only, kept so a restart finds the calls it left
/// (take_calls_of) the same way on both backends. The single writer makes each take atomic.
class SqliteInstanceRepository final : public InstanceRepository {
 public:
  explicit SqliteInstanceRepository(Connection& db) : db_(db) {}
  void heartbeat(std::string_view instance, std::string_view url, std::int64_t now) override;
  void own_call(std::string_view call_id, std::string_view org_id, std::string_view instance,
                std::int64_t now) override;
  void disown_call(std::string_view call_id) override;
  std::optional<CallOwner> owner_of(std::string_view call_id) override;
  std::vector<CallOwner> take_orphans(std::int64_t seen_before, std::string_view except,
                                      std::size_t limit) override;
  std::vector<CallOwner> take_calls_of(std::string_view instance) override;

 private:
  std::vector<CallOwner> take(Statement& select);
  Connection& db_;
};

}  // namespace sb::storage::sqlite
