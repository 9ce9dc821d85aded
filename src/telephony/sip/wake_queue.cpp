#include "telephony/sip/wake_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace sb::telephony::sip {

WakeQueue::WakeQueue() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error("SIP: cannot create an eventfd");
}

WakeQueue::~WakeQueue() {
  ::close(fd_);
}

void WakeQueue::open() {
  std::lock_guard lock(mutex_);
  open_ = true;
}

void WakeQueue::close() {
  std::lock_guard lock(mutex_);
  open_ = false;
  work_.clear();
}

bool WakeQueue::push(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (!open_) return false;
    work_.push_back(std::move(work));
  }
  const std::uint64_t one = 1;
  (void)::write(fd_, &one, sizeof one);  // cannot fail short of 2^64 - 1 wake-ups waiting
  return true;
}

void WakeQueue::run_ready() {
  std::uint64_t count = 0;
  (void)::read(fd_, &count, sizeof count);  // EAGAIN when already cleared: nothing to do
  std::deque<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    ready.swap(work_);
  }
  for (auto& work : ready) work();
}

}  // namespace sb::telephony::sip
