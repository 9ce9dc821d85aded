#include "storage/threaded_store.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>

#include <algorithm>
#include <chrono>

namespace sb::storage {
namespace {

// How long the writer waits after its last write before trimming the heap.
constexpr auto kIdleBeforeTrim = std::chrono::milliseconds(500);

// Runs of a job that another writer's deadlock undid, before its caller hears of it.
constexpr int kMaxAttempts = 3;

}  // namespace

// After a job ran in the open transaction: what must happen once COMMIT returns.
struct ThreadedStore::Staged {
  std::size_t job;  ///< its index in the batch
  std::vector<std::function<void()>> after_commit;
};

ThreadedStore::~ThreadedStore() {
  stop();
}

void ThreadedStore::start(unsigned readers) {
  threads_.emplace_back([this] { writer_loop(); });
  for (unsigned i = 0; i < std::max(1u, readers); ++i)
    threads_.emplace_back([this] { reader_loop(); });
}

void ThreadedStore::post_read(ReadJob job) {
  {
    std::lock_guard lock(mutex_);
    reads_.push_back(std::move(job));
  }
  reads_ready_.notify_one();
}

void ThreadedStore::post_write(WriteJob job, WriteDone done) {
  {
    std::lock_guard lock(mutex_);
    writes_.emplace_back(std::move(job), std::move(done));
  }
  writes_ready_.notify_one();
}

void ThreadedStore::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  reads_ready_.notify_all();
  writes_ready_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void ThreadedStore::reader_loop() {
  const auto session = open_session(false);
  for (;;) {
    ReadJob job;
    {
      std::unique_lock lock(mutex_);
      reads_ready_.wait(lock, [&] { return stopping_ || !reads_.empty(); });
      if (reads_.empty()) return;  // stopping and drained
      job = std::move(reads_.front());
      reads_.pop_front();
    }
    try {
      job(*session);
      for (auto& fn : session->take_pending()) fn();
    } catch (const std::exception& e) {
      session->discard();
      spdlog::error("storage read job failed: {}", e.what());
    }
  }
}

void ThreadedStore::writer_loop() {
  const auto session = open_session(true);
  bool wrote_since_trim = false;
  for (;;) {
    std::deque<std::pair<WriteJob, WriteDone>> batch;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return stopping_ || !writes_.empty(); };
      if (!wrote_since_trim) {
        writes_ready_.wait(lock, ready);
      } else if (!writes_ready_.wait_for(lock, kIdleBeforeTrim, ready)) {
        // A burst of writes is over: give back the heap pages it freed, which glibc would
        // otherwise keep (an idle server with 1,000 numbers holds ~4 MB less).
        lock.unlock();
        malloc_trim(0);
        wrote_since_trim = false;
        continue;
      }
      if (writes_.empty()) return;  // stopping and drained
      const std::size_t n = std::min(writes_.size(), max_batch_);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(writes_.front()));
        writes_.pop_front();
      }
    }
    run_batch(*session, batch);
    wrote_since_trim = true;
  }
}

// SAVEPOINT and RELEASE go out with the job's first statement and with what follows the job:
// over a socket (PostgreSQL) every exec is a round trip, and this saves two per job.
void ThreadedStore::run_batch(ConnectionSession& session, Batch& batch) {
  if (!begin(session, batch)) return;
  std::vector<Staged> staged;
  std::vector<ResourceChange> changes;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    for (int attempt = 1;; ++attempt) {
      session.exec_later("SAVEPOINT job");
      try {
        batch[i].first(session);
        session.complete_job();
        session.exec_later("RELEASE job");
        staged.push_back({i, session.take_pending()});
        for (auto& change : session.take_changes()) changes.push_back(std::move(change));
        break;
      } catch (...) {
        auto error = std::current_exception();
        session.discard();
        try {
          session.exec("ROLLBACK TO job; RELEASE job");
        } catch (...) {
          // The transaction is gone (its connection was lost): nothing of the batch commits.
          spdlog::error("a write transaction was lost; its {} writes fail", batch.size());
          const auto lost = std::current_exception();
          for (auto& done : staged) batch[done.job].second(lost);
          batch[i].second(error);
          for (std::size_t rest = i + 1; rest < batch.size(); ++rest) batch[rest].second(lost);
          return;
        }
        if (attempt < kMaxAttempts && session.retryable(error)) continue;
        batch[i].second(error);  // nothing of this job will be committed; answer now
        break;
      }
    }
  }
  commit(session, batch, staged, changes);
}

bool ThreadedStore::begin(ConnectionSession& session, Batch& batch) {
  try {
    session.exec(session.begin_sql());
    return true;
  } catch (...) {
    for (auto& w : batch) w.second(std::current_exception());
    return false;
  }
}

void ThreadedStore::commit(ConnectionSession& session, Batch& batch, std::vector<Staged>& staged,
                           const std::vector<ResourceChange>& changes) {
  try {
    if (!changes.empty()) session.announce(changes);
    session.exec("COMMIT");
  } catch (...) {
    auto error = std::current_exception();
    spdlog::error("commit of {} writes failed", staged.size());
    try {
      session.exec("ROLLBACK");
    } catch (...) {
    }
    for (auto& s : staged) batch[s.job].second(error);
    return;
  }
  // Subscribers first: by the time a writer hears of its success, every copy is true.
  for (const auto& change : changes) changes_.publish(change);
  for (auto& s : staged) {
    for (auto& fn : s.after_commit) fn();
    batch[s.job].second(nullptr);
  }
}

}  // namespace sb::storage
