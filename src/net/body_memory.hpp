#pragma once
// The bytes of request bodies held in memory over all connections, bounded, so thousands of
// connections each sending a large body cannot exhaust memory: a request whose body does not
// fit is refused before it is read (503, try again).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <utility>

namespace sb::net {

/// Thread safety: take() and give() may be called from any thread.
class BodyMemory {
 public:
  explicit BodyMemory(std::size_t limit) : limit_(limit) {}
  bool take(std::size_t n) {
    std::size_t used = used_.load(std::memory_order_relaxed);
    do {
      if (n > limit_ - std::min(used, limit_)) return false;
    } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed));
    return true;
  }
  void give(std::size_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

/// A share of BodyMemory, given back when the request has been answered.
class BodyLease {
 public:
  BodyLease() = default;
  BodyLease(BodyMemory& memory, std::size_t n) : memory_(&memory), n_(n) {}
  BodyLease(const BodyLease&) = delete;
  BodyLease& operator=(BodyLease&& other) noexcept {
    std::swap(memory_, other.memory_);
    std::swap(n_, other.n_);
    return *this;
  }
  ~BodyLease() {
    if (memory_) memory_->give(n_);
  }

 private:
  BodyMemory* memory_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace sb::net
