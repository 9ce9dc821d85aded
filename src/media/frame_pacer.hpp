#pragma once
// Real-time pacing of outbound audio for transports that cannot take audio back: frame k of a
// run is due at the run's start + k frames, and the sender may be up to `lead` frames ahead of
// what the listener has played (a small cushion against jitter). Nothing is ever sent to catch
// up: once the listener has played everything it was sent (the sender had nothing to send),
// the next frame starts a new run. Pure logic over the times it is given, so it is tested with
// a manual clock.

#include <chrono>
#include <cstddef>

#include "core/clock.hpp"

namespace sb::media {

class FramePacer {
 public:
  using Time = Clock::SteadyTime;

  explicit FramePacer(std::chrono::milliseconds frame = std::chrono::milliseconds(20),
                      std::size_t lead_frames = 2);

  /// Frames that may be sent at `now`.
  std::size_t allowance(Time now) const;
  /// When the next frame may be sent: `now` when allowance(now) > 0.
  Time next_send(Time now) const;
  /// Records `frames` sent at `now` (call as soon as they are).
  void sent(std::size_t frames, Time now);
  /// Forgets the run (after the listener's buffer was cleared): the next frame starts anew.
  void reset() { running_ = false; }
  /// Frames sent that the listener has not played yet, at `now`.
  std::size_t ahead(Time now) const;

 private:
  std::size_t played(Time now) const;
  bool ran_dry(Time now) const { return !running_ || played(now) >= sent_; }

  std::chrono::milliseconds frame_;
  std::size_t lead_;
  bool running_ = false;
  Time start_{};
  std::size_t sent_ = 0;
};

}  // namespace sb::media
