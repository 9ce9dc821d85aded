#include "storage/postgres/postgres_store.hpp"

#include "storage/postgres/analytics_repository.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/org_repository.hpp"
#include "storage/postgres/outbox_repository.hpp"
#include "storage/postgres/resource_repository.hpp"

namespace sb::storage::postgres {
namespace {

class PostgresSession final : public ConnectionSession {
 public:
  PostgresSession(const PostgresOptions& options, bool writer)
      : db_(options.url, options.schema),
        orgs_(db_),
        resources_(db_, writer),
        outbox_(db_),
        analytics_(db_) {}
  OrgRepository& orgs() override { return orgs_; }
  ResourceRepository& resources() override { return resources_; }
  OutboxRepository& outbox() override { return outbox_; }
  AnalyticsRepository& analytics() override { return analytics_; }
  std::vector<ResourceChange> take_changes() override { return resources_.take_changes(); }
  void exec(std::string_view sql) override { db_.exec(sql); }
  bool retryable(std::exception_ptr error) const override {
    try {
      std::rethrow_exception(error);
    } catch (const PgError& e) {
      return e.sqlstate() == "40P01" || e.sqlstate() == "40001";  // deadlock, serialization
    } catch (...) {
      return false;
    }
  }

 private:
  Connection db_;
  PgOrgRepository orgs_;
  PgResourceRepository resources_;
  PgOutboxRepository outbox_;
  PgAnalyticsRepository analytics_;
};

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

PostgresStore::PostgresStore(const PostgresOptions& options)
    : ThreadedStore(options.max_batch), options_(options) {
  {
    Connection db(options.url, options.schema);
    migrate(db);
  }
  start(options.readers);
}

PostgresStore::~PostgresStore() {
  stop();
}

std::unique_ptr<ConnectionSession> PostgresStore::open_session(bool writer) {
  return std::make_unique<PostgresSession>(options_, writer);
}

}  // namespace sb::storage::postgres
