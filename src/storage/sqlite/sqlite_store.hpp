#pragma once
// The embedded backend: one SQLite database file in WAL mode with synchronous=FULL, so a
// COMMIT has reached the disk when it returns. Reads run on a pool of connections; writes run
// on a single writer thread that takes every write queued meanwhile into one transaction
// (group commit), so concurrent creates share one fsync instead of waiting for their own.

#include <memory>
#include <string>

#include "storage/threaded_store.hpp"

namespace sb::storage::sqlite {

struct SqliteOptions {
  std::string path;
  unsigned readers = 2;
  /// Most jobs one transaction takes; bounds how long one commit can hold others.
  std::size_t max_batch = 512;
};

class SqliteStore final : public ThreadedStore {
 public:
  /// Opens (creating if needed) and migrates the database, then starts the threads.
  explicit SqliteStore(const SqliteOptions& options);
  ~SqliteStore() override;

 protected:
  std::unique_ptr<ConnectionSession> open_session(bool writer) override;

 private:
  SqliteOptions options_;
};

}  // namespace sb::storage::sqlite
