#include "storage/postgres/postgres_store.hpp"

#include <stdexcept>

#include "core/ids.hpp"
#include "storage/postgres/analytics_repository.hpp"
#include "storage/postgres/blob_repository.hpp"
#include "storage/postgres/change_listener.hpp"
#include "storage/postgres/change_notify.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/postgres/instance_repository.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/org_repository.hpp"
#include "storage/postgres/outbox_repository.hpp"
#include "storage/postgres/resource_repository.hpp"

namespace sb::storage::postgres {
namespace {

class PostgresSession final : public ConnectionSession {
 public:
  /// `origin`: this process's name in NOTIFYs, on the writer's session; empty on a reader's.
  PostgresSession(const PostgresOptions& options, const std::string& origin)
      : db_(options.url, options.schema),
        origin_(origin),
        orgs_(db_),
        resources_(db_, !origin.empty()),
        outbox_(db_),
        blobs_(db_),
        analytics_(db_),
        instances_(db_) {}
  OrgRepository& orgs() override { return orgs_; }
  ResourceRepository& resources() override { return resources_; }
  OutboxRepository& outbox() override { return outbox_; }
  BlobRepository& blobs() override { return blobs_; }
  AnalyticsRepository& analytics() override { return analytics_; }
  InstanceRepository& instances() override { return instances_; }
  std::vector<ResourceChange> take_changes() override {
    auto changes = resources_.take_changes();
    for (auto& c : orgs_.take_changes()) changes.push_back(std::move(c));
    return changes;
  }
  void exec(std::string_view sql) override { db_.exec(sql); }
  void exec_later(std::string_view sql) override { db_.defer(std::string(sql)); }
  void complete_job() override { db_.flush(); }
  void announce(const std::vector<ResourceChange>& changes) override {
    db_.defer(notify_sql(db_, origin_, changes));
  }
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
  std::string origin_;
  PgOrgRepository orgs_;
  PgResourceRepository resources_;
  PgOutboxRepository outbox_;
  PgBlobRepository blobs_;
  PgAnalyticsRepository analytics_;
  PgInstanceRepository instances_;
};

// Records `check` if no server did yet, and refuses a different one.
void check_secret_key(Connection& db, const std::string& check) {
  db.run(
      "INSERT INTO server_settings (name, value) VALUES ('secret_key_check', $1) ON CONFLICT DO "
      "NOTHING",
      {check});
  const auto r = db.run("SELECT value FROM server_settings WHERE name = 'secret_key_check'");
  if (r.rows() > 0 && r.text(0, 0) != check)
    throw std::runtime_error(
        "this database's provider secrets are sealed with another secret key: every instance on "
        "one database must run with the same SWITCHBOARD_SECRET_KEY (docs/multi-instance.md)");
}

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

PostgresStore::PostgresStore(const PostgresOptions& options)
    : ThreadedStore(options.max_batch), options_(options), origin_(random_hex(8)) {
  {
    Connection db(options.url, options.schema);
    migrate(db);
    if (!options.secret_key_check.empty()) check_secret_key(db, options.secret_key_check);
  }
  listener_ = std::make_unique<ChangeListener>(options.url, options.schema, origin_, changes());
  start(options.readers);
}

PostgresStore::~PostgresStore() {
  stop();
}

void PostgresStore::stop() {
  if (listener_) listener_->stop();
  ThreadedStore::stop();
}

std::unique_ptr<ConnectionSession> PostgresStore::open_session(bool writer) {
  return std::make_unique<PostgresSession>(options_, writer ? origin_ : std::string());
}

}  // namespace sb::storage::postgres
