#pragma once
// Which storage backend a command uses: PostgreSQL when --database (or DATABASE_URL) names
// one, otherwise the SQLite file in the data directory.

#include <memory>
#include <string>

#include "storage/store.hpp"

namespace sb::app {

/// `database`: "" for SQLite at `sqlite_path`, or a postgres:// / postgresql:// URL. `readers`:
/// reader threads, each with its own connection (PostgreSQL opens one more for the writer). Throws
/// std::invalid_argument for any other value, or if the database cannot be opened.
/// `secret_key_check` (a server's): see PostgresOptions; ignored for SQLite, whose one server
/// keeps its key beside the file.
std::unique_ptr<storage::Store> open_store(const std::string& database,
                                           const std::string& sqlite_path, unsigned readers,
                                           const std::string& secret_key_check = "");

}  // namespace sb::app
