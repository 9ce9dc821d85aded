#pragma once

#include "storage/analytics_repository.hpp"

namespace sb::storage::sqlite {

class Connection;

class SqliteAnalyticsRepository final : public AnalyticsRepository {
 public:
  explicit SqliteAnalyticsRepository(Connection& db) : db_(db) {}
  void record_call_events(std::string_view org_id, std::string_view call_id,
                          const std::vector<CallEvent>& events) override;
  std::vector<AnalyticsRow> aggregate_calls(std::string_view org_id,
                                            const AnalyticsRequest& request) override;

 private:
  Connection& db_;
};

}  // namespace sb::storage::sqlite
