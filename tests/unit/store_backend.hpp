#pragma once
// One storage contract suite, every backend: a parameterized test takes a StoreBackend and
// opens its stores through a BackendDatabase. SQLite runs in a temporary directory;
// PostgreSQL in a fresh schema of the server at SB_TEST_POSTGRES_URL (scripts/test.sh starts
// a throwaway one), dropped after the test. Without that variable the PostgreSQL cases skip,
// saying so.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/org_repository.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_directory.hpp"

namespace sb::test {

enum class StoreBackend { kSqlite, kPostgres };

inline std::string backend_name_of(StoreBackend backend) {
  return backend == StoreBackend::kSqlite ? "sqlite" : "postgres";
}
inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return backend_name_of(info.param);
}

#define SB_ALL_STORE_BACKENDS                                                                \
  ::testing::Values(::sb::test::StoreBackend::kSqlite, ::sb::test::StoreBackend::kPostgres), \
      ::sb::test::backend_name

/// The database one test uses. Declare it before the stores it opens.
class BackendDatabase {
 public:
  BackendDatabase(StoreBackend backend, std::string_view prefix)
      : backend_(backend), dir_(std::string(prefix) + "-" + backend_name_of(backend)) {
    parent_.path = dir_.path().parent_path();
    if (backend_ != StoreBackend::kPostgres) return;
    if (const char* url = std::getenv("SB_TEST_POSTGRES_URL")) url_ = url;
    if (url_.empty()) return;
    schema_ =
        "t_" + std::to_string(std::random_device{}()) + std::to_string(std::random_device{}());
    storage::postgres::Connection(url_, "").exec("CREATE SCHEMA " + schema_);
  }
  ~BackendDatabase() {
    if (schema_.empty()) return;
    try {
      storage::postgres::Connection(url_, "").exec("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (...) {
    }
  }
  BackendDatabase(const BackendDatabase&) = delete;
  BackendDatabase& operator=(const BackendDatabase&) = delete;

  /// A temporary directory of the test's own (SQLite keeps its file there as "db").
  const std::filesystem::path& dir() const { return dir_.path(); }

  /// False for PostgreSQL without SB_TEST_POSTGRES_URL: the test should skip.
  bool available() const { return backend_ == StoreBackend::kSqlite || !url_.empty(); }

  /// PostgreSQL: ends every connection a store has open on this schema, as a server restart
  /// or failover would.
  void drop_connections() const {
    storage::postgres::Connection(url_, "").exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
        "'switchboard/" +
        schema_ + "'");
  }

  /// PostgreSQL: a connection of its own to this test's schema.
  std::unique_ptr<storage::postgres::Connection> connect() const {
    return std::make_unique<storage::postgres::Connection>(url_, schema_);
  }

  /// A store on this database (the same data each time it is opened).
  std::unique_ptr<storage::Store> open(unsigned readers) const {
    if (backend_ == StoreBackend::kSqlite)
      return std::make_unique<storage::sqlite::SqliteStore>(
          storage::sqlite::SqliteOptions{(dir_.path() / "db").string(), readers});
    storage::postgres::PostgresOptions options;
    options.url = url_;
    options.schema = schema_;
    options.readers = readers;
    return std::make_unique<storage::postgres::PostgresStore>(options);
  }
  /// A store with the org "org-a" in it.
  std::unique_ptr<storage::Store> open_with_org(unsigned readers) const {
    auto store = open(readers);
    store->write_sync([](storage::Session& s) { s.orgs().insert_org("org-a", "a", 1); });
    return store;
  }

 private:
  // A parameterized test's name has a slash ("Lists/sqlite"), so its TempDirectory is a folder
  // in a folder of its own; this removes that one once the TempDirectory is gone.
  struct RemoveIfEmpty {
    std::filesystem::path path;
    ~RemoveIfEmpty() {
      std::error_code ignored;
      if (path != std::filesystem::temp_directory_path()) std::filesystem::remove(path, ignored);
    }
  };

  StoreBackend backend_;
  RemoveIfEmpty parent_;
  TempDirectory dir_;
  std::string url_;
  std::string schema_;
};

}  // namespace sb::test

/// First thing in a backend-parameterized test's SetUp (or body).
#define SB_SKIP_UNLESS_AVAILABLE(db)                                                   \
  if (!(db).available())                                                               \
  GTEST_SKIP() << "PostgreSQL case skipped: SB_TEST_POSTGRES_URL is not set (scripts/" \
                  "test.sh starts a throwaway server and sets it)"
