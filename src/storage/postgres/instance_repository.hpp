#pragma once

#include "storage/instance_repository.hpp"

namespace sb::storage::postgres {

class Connection;

/// Owner rows are taken with DELETE ... FOR UPDATE SKIP LOCKED: two instances scanning at once
/// split the orphans between them, never both taking one.
class PgInstanceRepository final : public InstanceRepository {
 public:
  explicit PgInstanceRepository(Connection& db) : db_(db) {}
  void heartbeat(std::string_view instance, std::string_view url, std::int64_t now) override;
  void own_call(std::string_view call_id, std::string_view org_id, std::string_view instance,
                std::int64_t now) override;
  void disown_call(std::string_view call_id) override;
  std::optional<CallOwner> owner_of(std::string_view call_id) override;
  std::vector<CallOwner> take_orphans(std::int64_t seen_before, std::string_view except,
                                      std::size_t limit) override;
  std::vector<CallOwner> take_calls_of(std::string_view instance) override;

 private:
  Connection& db_;
};

}  // namespace sb::storage::postgres
