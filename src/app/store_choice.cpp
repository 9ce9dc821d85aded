#include "app/store_choice.hpp"

#include <stdexcept>

#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace sb::app {

std::unique_ptr<storage::Store> open_store(const std::string& database,
                                           const std::string& sqlite_path, unsigned readers,
                                           const std::string& secret_key_check) {
  if (database.empty())
    return std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteOptions{sqlite_path, readers});
  if (!storage::postgres::is_postgres_url(database))
    throw std::invalid_argument(
        "--database must be a postgres:// or postgresql:// URL (leave it out for SQLite in "
        "--data-dir)");
  storage::postgres::PostgresOptions options;
  options.url = database;
  options.readers = readers;
  options.secret_key_check = secret_key_check;
  return std::make_unique<storage::postgres::PostgresStore>(options);
}

}  // namespace sb::app
