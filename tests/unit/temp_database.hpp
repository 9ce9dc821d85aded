#pragma once
// What the storage-backed unit tests share: a database in a directory of its own, named after
// the running test and removed with it, and a wait for state that other threads settle.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "storage/org_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_directory.hpp"

namespace sb::test {

/// A database file in a TempDirectory. Declare it before the store that opens it, so the store
/// is closed before the directory goes.
class TempDatabase {
 public:
  explicit TempDatabase(std::string_view prefix) : dir_(prefix) {}

  std::string path() const { return (dir_.path() / "db").string(); }
  /// The directory the database is in, for what else a test keeps on disk.
  const std::filesystem::path& dir() const { return dir_.path(); }

  /// A store on the database, with the org "org-a" in it.
  std::unique_ptr<storage::sqlite::SqliteStore> open_with_org(unsigned readers) const {
    auto store = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteOptions{path(), readers});
    store->write_sync([](storage::Session& s) { s.orgs().insert_org("org-a", "a", 1); });
    return store;
  }

 private:
  TempDirectory dir_;
};

/// Waits until `predicate` holds, or `timeout` passes; returns its last value.
template <class P>
bool eventually(P predicate, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return predicate();
}

}  // namespace sb::test
