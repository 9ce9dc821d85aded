#pragma once
// The threads every backend runs its jobs on (see store.hpp): reads on a pool of reader
// connections, writes on one writer that takes every write queued meanwhile into one
// transaction (group commit), each job isolated by a savepoint. A backend supplies the
// per-connection sessions; this class owns the queues and the loops.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "storage/change_feed.hpp"
#include "storage/store.hpp"

namespace sb::storage {

/// A session on one connection, owned by one store thread.
class ConnectionSession : public Session {
 public:
  void after_commit(std::function<void()> fn) override { pending_.push_back(std::move(fn)); }
  std::vector<std::function<void()>> take_pending() { return std::exchange(pending_, {}); }
  /// The resource changes written since the last call, to publish once they commit.
  virtual std::vector<ResourceChange> take_changes() = 0;
  /// Forgets what a failed job did.
  void discard() {
    take_pending();
    take_changes();
  }
  /// Runs transaction control statements (BEGIN, SAVEPOINT, COMMIT, ...).
  virtual void exec(std::string_view sql) = 0;
  /// Runs one such statement whose result only needs checking: now, or (a backend over a
  /// socket) sent with the session's next statement, saving a round trip. Its failure may
  /// then surface as that statement's.
  virtual void exec_later(std::string_view sql) { exec(sql); }
  /// Called when a write job returns: a backend that defers writes sends them now, so that
  /// their failure is the job's own.
  virtual void complete_job() {}
  /// Called before COMMIT with every change the transaction wrote, in order (a backend
  /// shared with other instances tells them in the same transaction).
  virtual void announce(const std::vector<ResourceChange>& /*changes*/) {}
  /// The statement that opens the writer's transaction.
  virtual std::string_view begin_sql() const { return "BEGIN"; }
  /// Whether a job that failed with `error` may simply run again (a deadlock with another
  /// writer on the database, which chose this job to undo).
  virtual bool retryable(std::exception_ptr /*error*/) const { return false; }

 private:
  std::vector<std::function<void()>> pending_;
};

class ThreadedStore : public Store {
 public:
  ~ThreadedStore() override;
  void post_read(ReadJob job) override;
  void post_write(WriteJob job, WriteDone done) override;
  void stop() override;
  ChangeFeed& changes() override { return changes_; }

 protected:
  /// `max_batch`: most jobs one transaction takes; bounds how long one commit holds others.
  explicit ThreadedStore(std::size_t max_batch) : max_batch_(max_batch) {}
  /// Starts the writer and `readers` reader threads. A derived class calls it last in its
  /// constructor and calls stop() first in its destructor, as the threads call it back.
  void start(unsigned readers);
  /// Opens a connection and its session; called on the thread that will use it.
  virtual std::unique_ptr<ConnectionSession> open_session(bool writer) = 0;

 private:
  void reader_loop();
  void writer_loop();
  using Batch = std::deque<std::pair<WriteJob, WriteDone>>;
  struct Staged;
  void run_batch(ConnectionSession& session, Batch& batch);
  /// Opens the batch's transaction; false (every job answered) if it cannot.
  bool begin(ConnectionSession& session, Batch& batch);
  void commit(ConnectionSession& session, Batch& batch, std::vector<Staged>& staged,
              const std::vector<ResourceChange>& changes);

  std::size_t max_batch_;
  ChangeFeed changes_;
  std::mutex mutex_;
  std::condition_variable reads_ready_, writes_ready_;
  std::deque<ReadJob> reads_;
  std::deque<std::pair<WriteJob, WriteDone>> writes_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sb::storage
