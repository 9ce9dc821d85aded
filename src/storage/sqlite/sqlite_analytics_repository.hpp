#pragma once

#include "storage/analytics_repository.hpp"

namespace sb::storage::sqlite {

class Connection;

class SqliteAnalyticsRepository final : public AnalyticsRepository {
 public:
  explicit SqliteAnalyticsRepository(Connection& db) : db_(db) {}
  std::vector<AnalyticsRow> aggregate_calls(std::string_view org_id,
                                            const AnalyticsRequest& request) override;

 private:
  Connection& db_;
};

}  // namespace sb::storage::sqlite
