#pragma once
// What the storage-backed unit tests share: a database in a directory of its own, named after
// the running test and removed with it, and a wait for state that other threads settle.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "storage/org_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace sb::test {

class TempDatabase {
 public:
  /// Must be constructed while a test runs (a fixture member is).
  explicit TempDatabase(std::string_view prefix)
      : dir_(std::filesystem::temp_directory_path() /
             (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TempDatabase() { std::filesystem::remove_all(dir_); }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  std::string path() const { return (dir_ / "db").string(); }

  /// A store on the database, with the org "org-a" in it.
  std::unique_ptr<storage::sqlite::SqliteStore> open_with_org(unsigned readers) const {
    auto store = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteOptions{path(), readers});
    store->write_sync([](storage::Session& s) { s.orgs().insert_org("org-a", "a", 1); });
    return store;
  }

 private:
  std::filesystem::path dir_;
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
