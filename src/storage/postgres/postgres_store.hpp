#pragma once
// The PostgreSQL backend, for a team that outgrows one machine's SQLite file.
//
// Why worker threads with blocking libpq calls rather than libpq's non-blocking API on the
// I/O executors: the Store contract (store.hpp) already runs every job on the store's own
// threads, so services never wait on the database from an I/O thread either way, and a job is
// ordinary sequential code (read, decide, write) that a callback-per-statement API would turn
// inside out. The pool is bounded: `readers` connections serve reads, and one writer
// connection takes every write queued meanwhile into one transaction (group commit), so
// concurrent creates share one commit, as in SQLite.
//
// Round trips are much of what a create costs here (each one two context switches and the
// server's per-message work), so the writer saves them: a job's SAVEPOINT and RELEASE, and an
// INSERT whose result is only checked, go out with the job's next statement (libpq's pipeline
// mode); the batch's NOTIFYs go in one statement with its COMMIT.
//
// Concurrency under several writers (other instances on the same database): a write job's
// find() locks the row until its transaction commits (SELECT ... FOR UPDATE), so a
// read-modify-write of a document is serial per object; unique keys are claimed with
// INSERT ... ON CONFLICT and a checked row count. A job PostgreSQL undoes to break a deadlock
// with another instance is rolled back to its savepoint and run again (at most 3 times).
//
// Other instances' writes reach this store's change feed too: every write NOTIFYs in its
// transaction and a ChangeListener (change_listener.hpp) publishes what the others commit.

#include <memory>
#include <string>

#include "storage/threaded_store.hpp"

namespace sb::storage::postgres {

class ChangeListener;

struct PostgresOptions {
  std::string url;  ///< a libpq URI (postgres://user@host/db) or key=value string
  /// The schema to use (search_path); empty for the server's default. Tests use one each.
  std::string schema;
  unsigned readers = 4;  ///< reader connections; one more connection writes
  std::size_t max_batch = 512;
  /// A server's: a check value of its secret key (never the key). The first server on the
  /// database records it; a server with another key is refused at start, since it could not
  /// open the provider secrets the others sealed. Empty: no check (the CLI).
  std::string secret_key_check;
};

class PostgresStore final : public ThreadedStore {
 public:
  /// Connects, migrates the schema, then starts the threads. Throws if the server is unreachable.
  explicit PostgresStore(const PostgresOptions& options);
  ~PostgresStore() override;
  void stop() override;

 protected:
  std::unique_ptr<ConnectionSession> open_session(bool writer) override;

 private:
  PostgresOptions options_;
  const std::string origin_;  ///< names this process in its NOTIFYs
  std::unique_ptr<ChangeListener> listener_;
};

/// Whether a --database value names a PostgreSQL server (postgres:// or postgresql://).
bool is_postgres_url(std::string_view url);

}  // namespace sb::storage::postgres
