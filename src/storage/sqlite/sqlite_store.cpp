#include "storage/sqlite/sqlite_store.hpp"

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_analytics_repository.hpp"
#include "storage/sqlite/sqlite_instance_repository.hpp"
#include "storage/sqlite/sqlite_org_repository.hpp"
#include "storage/sqlite/sqlite_outbox_repository.hpp"
#include "storage/sqlite/sqlite_resource_repository.hpp"

namespace sb::storage::sqlite {
namespace {

void configure(Connection& db) {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
}

class SqliteSession final : public ConnectionSession {
 public:
  SqliteSession(const std::string& path, bool writer)
      : db_(path, Connection::Mode::kReadWrite),
        orgs_(db_),
        resources_(db_),
        outbox_(db_),
        analytics_(db_),
        instances_(db_) {
    if (writer)
      configure(db_);
    else
      db_.exec("PRAGMA query_only = 1");
  }
  OrgRepository& orgs() override { return orgs_; }
  ResourceRepository& resources() override { return resources_; }
  OutboxRepository& outbox() override { return outbox_; }
  AnalyticsRepository& analytics() override { return analytics_; }
  InstanceRepository& instances() override { return instances_; }
  std::vector<ResourceChange> take_changes() override {
    auto changes = resources_.take_changes();
    for (auto& c : orgs_.take_changes()) changes.push_back(std::move(c));
    return changes;
  }
  void exec(std::string_view sql) override { db_.exec(sql); }
  std::string_view begin_sql() const override { return "BEGIN IMMEDIATE"; }

 private:
  Connection db_;
  SqliteOrgRepository orgs_;
  SqliteResourceRepository resources_;
  SqliteOutboxRepository outbox_;
  SqliteAnalyticsRepository analytics_;
  SqliteInstanceRepository instances_;
};

}  // namespace

SqliteStore::SqliteStore(const SqliteOptions& options)
    : ThreadedStore(options.max_batch), options_(options) {
  {
    // Migrate before any reader opens, so every connection sees the current schema.
    Connection db(options.path, Connection::Mode::kReadWrite);
    configure(db);
    migrate(db);
  }
  start(options.readers);
}

SqliteStore::~SqliteStore() {
  stop();
}

std::unique_ptr<ConnectionSession> SqliteStore::open_session(bool writer) {
  return std::make_unique<SqliteSession>(options_.path, writer);
}

}  // namespace sb::storage::sqlite
