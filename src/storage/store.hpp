#pragma once
// The storage boundary. A Store runs units of work on its own threads, never on an I/O thread:
// reads on a pool of reader connections, writes on one writer that groups concurrent writes
// into one durable commit. Backends (sqlite/ today, postgres/ later) implement Store and
// Session; services only see the repository interfaces a Session hands out.

#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>

namespace sb::storage {

class BlobRepository;
class AnalyticsRepository;
class ChangeFeed;
class InstanceRepository;
class OrgRepository;
class OutboxRepository;
class ResourceRepository;

/// One unit of work on one connection. Only valid inside the job it was passed to.
class Session {
 public:
  virtual ~Session() = default;
  virtual OrgRepository& orgs() = 0;
  virtual ResourceRepository& resources() = 0;
  virtual OutboxRepository& outbox() = 0;
  /// Bytes in the database (PostgreSQL). A backend that keeps none (SQLite: files stay in the
  /// data directory, see files::BlobStore) throws std::logic_error; callers choose by backend.
  virtual BlobRepository& blobs() {
    throw std::logic_error("this storage backend keeps no blobs in its database");
  }
  virtual AnalyticsRepository& analytics() = 0;
  /// The instances on the database and the live calls they own (instance_repository.hpp).
  virtual InstanceRepository& instances() = 0;
  /// Write sessions: `fn` runs on the writer thread once this job's changes are durable;
  /// dropped if the job fails. Read sessions: runs when the job returns.
  virtual void after_commit(std::function<void()> fn) = 0;
};

using ReadJob = std::function<void(Session&)>;
using WriteJob = std::function<void(Session&)>;
/// Receives nullptr once the write is durable, or the exception that undid it.
using WriteDone = std::function<void(std::exception_ptr)>;

class Store {
 public:
  virtual ~Store() = default;

  /// Runs `job` on a reader thread. Exceptions escaping `job` are logged and swallowed, so
  /// jobs report their own outcome.
  virtual void post_read(ReadJob job) = 0;
  /// Runs `job` inside the writer's next transaction, isolated by a savepoint: if it throws,
  /// only its own changes are rolled back and `done` gets the exception; otherwise `done`
  /// runs after COMMIT has reached the disk. A backend with other writers (PostgreSQL) may
  /// roll a job back and run it again when the database undid it to break a deadlock, so a
  /// job must give the same writes when run twice (not consume what it captured).
  virtual void post_write(WriteJob job, WriteDone done) = 0;
  /// Finishes queued work, then stops the threads. Idempotent.
  virtual void stop() = 0;
  /// Every committed write of a resource, whoever made it (see change_feed.hpp).
  virtual ChangeFeed& changes() = 0;

  /// Blocking forms for start-up and the CLI. Never call them on an I/O thread.
  void read_sync(const ReadJob& job);
  void write_sync(const WriteJob& job);
};

}  // namespace sb::storage
