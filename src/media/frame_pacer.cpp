#include "media/frame_pacer.hpp"

namespace sb::media {

FramePacer::FramePacer(std::chrono::milliseconds frame, std::size_t lead_frames)
    : frame_(frame), lead_(lead_frames) {}

// Frames the listener has finished playing: one per frame time since the run started.
std::size_t FramePacer::played(Time now) const {
  if (now <= start_) return 0;
  return static_cast<std::size_t>((now - start_) / frame_);
}

std::size_t FramePacer::allowance(Time now) const {
  if (ran_dry(now)) return lead_ + 1;  // the frame playing now, and the cushion
  const std::size_t limit = played(now) + 1 + lead_;
  return limit > sent_ ? limit - sent_ : 0;
}

FramePacer::Time FramePacer::next_send(Time now) const {
  if (allowance(now) > 0) return now;
  // allowance becomes 1 once played() reaches sent_ - lead_.
  return start_ + frame_ * static_cast<std::int64_t>(sent_ - lead_);
}

void FramePacer::sent(std::size_t frames, Time now) {
  if (ran_dry(now)) {
    running_ = true;
    start_ = now;
    sent_ = 0;
  }
  sent_ += frames;
}

std::size_t FramePacer::ahead(Time now) const {
  if (ran_dry(now)) return 0;
  return sent_ - played(now);
}

}  // namespace sb::media
