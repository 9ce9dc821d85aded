#pragma once
// A clock that moves only when told: for tests of timers, backoff, pacing and deadlines
// without sleeps. Timers made on it (net::Timer) fire from advance(), in time order, once
// the clock has reached their time.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "core/clock.hpp"

namespace sb {

class ManualClock final : public Clock {
 public:
  /// Starts at `wall` (ms since the Unix epoch) and an arbitrary steady time.
  explicit ManualClock(EpochMs wall = 1'700'000'000'000);

  SteadyTime steady_now() const override;
  EpochMs wall_ms() const override;

  /// Moves both clocks forward by `by`, running every wake-up that falls due on the way (each
  /// with the clock set to its own time, so a wake-up that schedules another inside the step
  /// sees it run too). Call from one thread at a time.
  void advance(std::chrono::milliseconds by);

  using WakeId = std::uint64_t;
  /// Runs `wake` once the clock reaches `at` (at once, on the next advance(), when it already
  /// has). `wake` runs on the thread calling advance() and must not call back into the clock
  /// except to schedule or cancel.
  WakeId wake_at(SteadyTime at, std::function<void()> wake) const;
  /// The wake-up will not run (nothing happens if it already did).
  void cancel(WakeId id) const;
  /// Wake-ups scheduled and not yet run.
  std::size_t pending() const;
  /// The time of the earliest of them.
  std::optional<SteadyTime> next_wake() const;
  /// Advances to the earliest wake-up (running it); false when none is scheduled.
  bool advance_to_next_wake();

 private:
  mutable std::mutex mutex_;
  SteadyTime steady_;
  EpochMs wall_;
  mutable WakeId next_id_ = 1;
  mutable std::multimap<SteadyTime, std::pair<WakeId, std::function<void()>>> wakes_;
};

}  // namespace sb
