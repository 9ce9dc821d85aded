#include "runtime/speech/speech_pool.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace sb::speech {

/// A Serial's tasks. `scheduled` is true while the queue sits in the ready line or one of its
/// tasks runs: then a new task only joins `tasks`, which keeps one task of a Serial running at
/// most.
struct SpeechPool::Queue {
  std::deque<Task> tasks;
  bool scheduled = false;
};

struct SpeechPool::Shared {
  explicit Shared(std::size_t max) : max_queued(max) {}

  bool enqueue(const std::shared_ptr<Queue>& queue, Task task);
  void run_worker();
  void drop_waiting();

  const std::size_t max_queued;
  std::mutex mutex;
  std::condition_variable wake;
  /// Queues that have a task and none running, in the order they became ready.
  std::deque<std::shared_ptr<Queue>> ready;
  std::size_t queued = 0;
  bool stopped = false;
};

bool SpeechPool::Shared::enqueue(const std::shared_ptr<Queue>& queue, Task task) {
  {
    std::lock_guard lock(mutex);
    if (!stopped && queued < max_queued) {
      ++queued;
      queue->tasks.push_back(std::move(task));
      if (!queue->scheduled) {
        queue->scheduled = true;
        ready.push_back(queue);
        wake.notify_one();
      }
      return true;
    }
  }
  // Refused: the task (and what it holds) is released here, outside the lock.
  return false;
}

void SpeechPool::Shared::run_worker() {
  std::unique_lock lock(mutex);
  for (;;) {
    wake.wait(lock, [this] { return stopped || !ready.empty(); });
    if (stopped) return;
    std::shared_ptr<Queue> queue = std::move(ready.front());
    ready.pop_front();
    Task task = std::move(queue->tasks.front());
    queue->tasks.pop_front();
    --queued;
    lock.unlock();
    task();
    task = nullptr;  // what the task held is released before the next one runs
    lock.lock();
    // Its next task (if any) goes to the back of the line: Serials take turns.
    if (queue->tasks.empty()) {
      queue->scheduled = false;
    } else {
      ready.push_back(std::move(queue));
      wake.notify_one();
    }
  }
}

void SpeechPool::Shared::drop_waiting() {
  std::deque<std::shared_ptr<Queue>> dropped;
  std::deque<Task> tasks;
  {
    std::lock_guard lock(mutex);
    dropped.swap(ready);
    for (auto& queue : dropped) {
      for (auto& task : queue->tasks) tasks.push_back(std::move(task));
      queue->tasks.clear();
    }
    queued = 0;
  }
  // Destroyed outside the lock: a task's captures may post (and be refused).
}

SpeechPool::SpeechPool(unsigned threads, std::size_t max_queued)
    : thread_count_(std::max(threads, 1u)),
      shared_(std::make_shared<Shared>(std::max<std::size_t>(max_queued, 1))) {
  threads_.reserve(thread_count_);
  for (unsigned i = 0; i < thread_count_; ++i) {
    threads_.emplace_back([shared = shared_] { shared->run_worker(); });
  }
}

SpeechPool::~SpeechPool() {
  stop();
}

SpeechPool::Serial SpeechPool::serial() {
  return Serial(shared_, std::make_shared<Queue>());
}

bool SpeechPool::Serial::post(Task task) const {
  if (!shared_) return false;
  return shared_->enqueue(queue_, std::move(task));
}

bool SpeechPool::post(Task task) {
  return shared_->enqueue(std::make_shared<Queue>(), std::move(task));
}

void SpeechPool::stop() {
  if (joined_) return;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopped = true;
  }
  shared_->wake.notify_all();
  for (auto& thread : threads_) thread.join();
  joined_ = true;
  // Nothing runs now. What was waiting (including the rest of a Serial whose task was running
  // when stop() began, put back in line when it finished) is dropped here.
  shared_->drop_waiting();
}

std::size_t SpeechPool::max_queued() const {
  return shared_->max_queued;
}

std::size_t SpeechPool::queued() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->queued;
}

}  // namespace sb::speech
