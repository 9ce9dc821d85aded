#include "storage/sqlite/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_org_repository.hpp"
#include "storage/sqlite/sqlite_outbox_repository.hpp"
#include "storage/sqlite/sqlite_resource_repository.hpp"

namespace sb::storage::sqlite {
namespace {

// How long the writer waits after its last write before trimming the heap.
constexpr auto kIdleBeforeTrim = std::chrono::milliseconds(500);

class SqliteSession final : public Session {
 public:
  explicit SqliteSession(Connection& db) : orgs_(db), resources_(db), outbox_(db) {}
  OrgRepository& orgs() override { return orgs_; }
  ResourceRepository& resources() override { return resources_; }
  OutboxRepository& outbox() override { return outbox_; }
  void after_commit(std::function<void()> fn) override { pending_.push_back(std::move(fn)); }

  std::vector<std::function<void()>> take_pending() { return std::exchange(pending_, {}); }
  std::vector<ResourceChange> take_changes() { return resources_.take_changes(); }
  /// Forgets what a failed job did.
  void discard() {
    take_pending();
    take_changes();
  }

 private:
  SqliteOrgRepository orgs_;
  SqliteResourceRepository resources_;
  SqliteOutboxRepository outbox_;
  std::vector<std::function<void()>> pending_;
};

void configure(Connection& db) {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
}

struct WriteRequest {
  WriteJob job;
  WriteDone done;
};

// After a job ran in the open transaction: what must happen once COMMIT returns.
struct Staged {
  WriteDone done;
  std::vector<std::function<void()>> after_commit;
  std::vector<ResourceChange> changes;
};

}  // namespace

struct SqliteStore::Impl {
  explicit Impl(const SqliteOptions& o) : options(o) {}

  void reader_loop(unsigned index);
  void writer_loop();
  void run_batch(Connection& db, SqliteSession& session, std::deque<WriteRequest>& batch);

  SqliteOptions options;
  ChangeFeed changes;
  std::mutex mutex;
  std::condition_variable reads_ready, writes_ready;
  std::deque<ReadJob> reads;
  std::deque<WriteRequest> writes;
  bool stopping = false;
  std::vector<std::thread> threads;
};

SqliteStore::SqliteStore(const SqliteOptions& options) : impl_(std::make_unique<Impl>(options)) {
  {
    // Migrate before any reader opens, so every connection sees the current schema.
    Connection db(options.path, Connection::Mode::kReadWrite);
    configure(db);
    migrate(db);
  }
  impl_->threads.emplace_back([this] { impl_->writer_loop(); });
  for (unsigned i = 0; i < std::max(1u, options.readers); ++i)
    impl_->threads.emplace_back([this, i] { impl_->reader_loop(i); });
}

SqliteStore::~SqliteStore() {
  stop();
}

void SqliteStore::post_read(ReadJob job) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->reads.push_back(std::move(job));
  }
  impl_->reads_ready.notify_one();
}

void SqliteStore::post_write(WriteJob job, WriteDone done) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->writes.push_back({std::move(job), std::move(done)});
  }
  impl_->writes_ready.notify_one();
}

ChangeFeed& SqliteStore::changes() {
  return impl_->changes;
}

void SqliteStore::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->reads_ready.notify_all();
  impl_->writes_ready.notify_all();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

void SqliteStore::Impl::reader_loop(unsigned) {
  Connection db(options.path, Connection::Mode::kReadWrite);
  db.exec("PRAGMA query_only = 1");
  SqliteSession session(db);
  for (;;) {
    ReadJob job;
    {
      std::unique_lock lock(mutex);
      reads_ready.wait(lock, [&] { return stopping || !reads.empty(); });
      if (reads.empty()) return;  // stopping and drained
      job = std::move(reads.front());
      reads.pop_front();
    }
    try {
      job(session);
      for (auto& fn : session.take_pending()) fn();
    } catch (const std::exception& e) {
      session.discard();
      spdlog::error("storage read job failed: {}", e.what());
    }
  }
}

void SqliteStore::Impl::writer_loop() {
  Connection db(options.path, Connection::Mode::kReadWrite);
  configure(db);
  SqliteSession session(db);
  bool wrote_since_trim = false;
  for (;;) {
    std::deque<WriteRequest> batch;
    {
      std::unique_lock lock(mutex);
      const auto ready = [&] { return stopping || !writes.empty(); };
      if (!wrote_since_trim) {
        writes_ready.wait(lock, ready);
      } else if (!writes_ready.wait_for(lock, kIdleBeforeTrim, ready)) {
        // A burst of writes is over: give back the heap pages it freed, which glibc would
        // otherwise keep (an idle server with 1,000 numbers holds ~4 MB less).
        lock.unlock();
        malloc_trim(0);
        wrote_since_trim = false;
        continue;
      }
      if (writes.empty()) return;  // stopping and drained
      const std::size_t n = std::min(writes.size(), options.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(writes.front()));
        writes.pop_front();
      }
    }
    run_batch(db, session, batch);
    wrote_since_trim = true;
  }
}

void SqliteStore::Impl::run_batch(Connection& db, SqliteSession& session,
                                  std::deque<WriteRequest>& batch) {
  std::vector<Staged> staged;
  staged.reserve(batch.size());
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (...) {
    for (auto& w : batch) w.done(std::current_exception());
    return;
  }
  for (auto& w : batch) {
    db.exec("SAVEPOINT job");
    try {
      w.job(session);
      db.exec("RELEASE job");
      staged.push_back({std::move(w.done), session.take_pending(), session.take_changes()});
    } catch (...) {
      auto error = std::current_exception();
      session.discard();
      db.exec("ROLLBACK TO job; RELEASE job");
      w.done(error);  // nothing of this job will be committed; answer now
    }
  }
  try {
    db.exec("COMMIT");
  } catch (...) {
    auto error = std::current_exception();
    spdlog::error("commit of {} writes failed", staged.size());
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
    for (auto& s : staged) s.done(error);
    return;
  }
  // Subscribers first: by the time a writer hears of its success, every copy is true.
  for (auto& s : staged) {
    for (const auto& change : s.changes) changes.publish(change);
    for (auto& fn : s.after_commit) fn();
    s.done(nullptr);
  }
}

}  // namespace sb::storage::sqlite
