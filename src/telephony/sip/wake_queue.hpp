#pragma once
// Work handed to a thread that runs an event loop of its own (sofia-sip's su_root): any thread
// pushes functions, and the loop, watching fd() for readability, runs them in order with
// run_ready(). Closed, the queue drops what it holds and refuses more.

#include <deque>
#include <functional>
#include <mutex>

namespace sb::telephony::sip {

class WakeQueue {
 public:
  WakeQueue();  ///< throws std::runtime_error when no eventfd can be made
  ~WakeQueue();
  WakeQueue(const WakeQueue&) = delete;
  WakeQueue& operator=(const WakeQueue&) = delete;

  /// Readable while work is waiting: what the loop watches.
  int fd() const { return fd_; }
  /// Takes work from now on (a new queue refuses it until opened).
  void open();
  /// Drops the waiting work and refuses more.
  void close();
  /// From any thread; false (and `work` dropped) when the queue is not open.
  bool push(std::function<void()> work);
  /// On the loop's thread: runs the work waiting now, in the order it was pushed.
  void run_ready();

 private:
  int fd_ = -1;
  std::mutex mutex_;
  std::deque<std::function<void()>> work_;
  bool open_ = false;
};

}  // namespace sb::telephony::sip
