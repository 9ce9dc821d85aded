#pragma once
// A one-shot timer on an execution context that reads its time from a Clock: on the system
// clock it is an Asio steady timer; on a ManualClock it fires when the test advances the
// clock past its time. Either way the callback runs on the timer's executor (a strand when
// the owner gave one), never inline in arm() or cancel().

#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "core/clock.hpp"

namespace sb::net {

class Timer {
 public:
  Timer(boost::asio::any_io_executor executor, const Clock& clock);
  ~Timer();  ///< cancel()
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  /// Runs `fired` once steady time reaches `at`, replacing (cancelling) any earlier arming.
  void arm(Clock::SteadyTime at, std::function<void()> fired);
  void arm_after(std::chrono::milliseconds delay, std::function<void()> fired);
  /// The armed callback will not run. Call on the timer's executor, like arm().
  void cancel();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sb::net
