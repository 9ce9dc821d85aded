#pragma once
// What makes "no event runs after close() returns" true for adapters whose events come from
// other threads: every event runs inside the gate, and close() waits for one running now. An
// event handler may itself close the gate (a call ending on a transcript): the close then
// happens at once, without waiting for itself.

#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

namespace sb::speech {

class EventGate {
 public:
  /// Runs `event` unless the gate is closed; false when it was closed.
  template <class Event>
  bool run(Event&& event) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    Running running(owner_);
    std::forward<Event>(event)();
    return true;
  }
  /// Runs `event` as the last one: the gate is closed first (a failure: nothing follows it).
  template <class Event>
  bool run_last(Event&& event) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    closed_ = true;
    Running running(owner_);
    std::forward<Event>(event)();
    return true;
  }
  /// No event runs after it returns. Idempotent; callable from any thread, an event included.
  void close() {
    if (owner_.load() == std::this_thread::get_id()) {
      closed_ = true;  // inside an event on this thread: the lock is ours already
      return;
    }
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  bool is_open() const { return !closed_; }

 private:
  /// Marks the thread running an event while it runs, exceptions included.
  struct Running {
    explicit Running(std::atomic<std::thread::id>& owner) : owner_(owner) {
      owner_ = std::this_thread::get_id();
    }
    ~Running() { owner_ = std::thread::id(); }
    std::atomic<std::thread::id>& owner_;
  };

  std::mutex mutex_;
  std::atomic<bool> closed_ = false;
  std::atomic<std::thread::id> owner_;
};

}  // namespace sb::speech
