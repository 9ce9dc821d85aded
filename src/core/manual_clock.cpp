#include "core/manual_clock.hpp"

#include <algorithm>

namespace sb {

ManualClock::ManualClock(EpochMs wall) : steady_(std::chrono::hours(1)), wall_(wall) {}

Clock::SteadyTime ManualClock::steady_now() const {
  std::lock_guard lock(mutex_);
  return steady_;
}

EpochMs ManualClock::wall_ms() const {
  std::lock_guard lock(mutex_);
  return wall_;
}

void ManualClock::advance(std::chrono::milliseconds by) {
  std::unique_lock lock(mutex_);
  const SteadyTime until = steady_ + by;
  const EpochMs wall_until = wall_ + by.count();
  while (!wakes_.empty() && wakes_.begin()->first <= until) {
    auto due = wakes_.extract(wakes_.begin());
    const auto step = std::chrono::duration_cast<std::chrono::milliseconds>(due.key() - steady_);
    if (step.count() > 0) {
      steady_ = due.key();
      wall_ += step.count();
    }
    auto wake = std::move(due.mapped().second);
    lock.unlock();
    wake();
    lock.lock();
  }
  steady_ = until;
  wall_ = wall_until;
}

ManualClock::WakeId ManualClock::wake_at(SteadyTime at, std::function<void()> wake) const {
  std::lock_guard lock(mutex_);
  const WakeId id = next_id_++;
  wakes_.emplace(at, std::make_pair(id, std::move(wake)));
  return id;
}

void ManualClock::cancel(WakeId id) const {
  std::lock_guard lock(mutex_);
  for (auto it = wakes_.begin(); it != wakes_.end(); ++it)
    if (it->second.first == id) {
      wakes_.erase(it);
      return;
    }
}

std::optional<Clock::SteadyTime> ManualClock::next_wake() const {
  std::lock_guard lock(mutex_);
  if (wakes_.empty()) return std::nullopt;
  return wakes_.begin()->first;
}

bool ManualClock::advance_to_next_wake() {
  const auto next = next_wake();
  if (!next) return false;
  advance(std::max(std::chrono::milliseconds(0),
                   std::chrono::ceil<std::chrono::milliseconds>(*next - steady_now())));
  return true;
}

std::size_t ManualClock::pending() const {
  std::lock_guard lock(mutex_);
  return wakes_.size();
}

}  // namespace sb
