#pragma once
// The bounded pool CPU-heavy speech work (recognition, synthesis) runs on, apart from the
// threads that pace calls' audio, so one call's decoding never delays another call's 20 ms
// frames. A fixed number of threads; one bounded queue of pending tasks for the whole pool
// (post() returns false when it is full: the caller fails or drops, it never blocks); and
// Serials: the tasks posted through one Serial run in order, one at a time, while different
// Serials run in parallel. Serials take turns task by task, so a stream with a long backlog
// does not starve the others.

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace sb::speech {

class SpeechPool {
 public:
  using Task = std::function<void()>;

  /// Starts `threads` threads (at least one). At most `max_queued` tasks wait at any time,
  /// counted over plain posts and all Serials.
  explicit SpeechPool(unsigned threads, std::size_t max_queued = 4096);
  ~SpeechPool();  ///< stop()
  SpeechPool(const SpeechPool&) = delete;
  SpeechPool& operator=(const SpeechPool&) = delete;

  struct Queue;   // one Serial's pending tasks
  struct Shared;  // the queue of ready Serials, shared with handles that may outlive the pool

  /// A handle on one stream's serial queue; copies share it. Tasks posted through it run in
  /// order and never two at once. It may outlive the pool (posts then fail).
  class Serial {
   public:
    Serial() = default;
    /// False (and `task` is destroyed at once, on the caller's thread) when the pool's queue
    /// is full or the pool is stopped.
    bool post(Task task) const;
    explicit operator bool() const { return queue_ != nullptr; }

   private:
    friend class SpeechPool;
    Serial(std::shared_ptr<Shared> shared, std::shared_ptr<Queue> queue)
        : shared_(std::move(shared)), queue_(std::move(queue)) {}
    std::shared_ptr<Shared> shared_;
    std::shared_ptr<Queue> queue_;
  };

  /// A new serial queue on this pool.
  Serial serial();
  /// A task with no ordering constraint; false as Serial::post.
  bool post(Task task);

  /// Stops taking tasks, drops those not started yet (destroyed on the calling thread, in no
  /// particular order), waits for the running ones and joins the threads. Idempotent; must not
  /// be called from a task.
  void stop();

  unsigned threads() const { return thread_count_; }
  std::size_t max_queued() const;
  /// Tasks waiting (not running) right now.
  std::size_t queued() const;

 private:
  const unsigned thread_count_;
  std::shared_ptr<Shared> shared_;
  std::vector<std::thread> threads_;
  bool joined_ = false;
};

}  // namespace sb::speech
