#pragma once
// Voice activity detection: is there speech in this frame? WebRTC's detector (the one in
// libwebrtc-audio-processing), on 10 ms blocks of 16-bit mono PCM at 8, 16, 32 or 48 kHz.
// Decisions are per frame; turning them into "the caller started/stopped speaking" (how many
// voiced milliseconds count, how long a pause ends a turn) is the caller's policy.

#include <cstdint>
#include <memory>
#include <span>

namespace sb::media {

class VoiceActivity {
 public:
  /// How readily audio counts as speech: kEager flags more (and more noise), kStrict less.
  enum class Sensitivity { kEager, kBalanced, kStrict };

  /// Throws std::invalid_argument for a rate the detector does not take.
  explicit VoiceActivity(int sample_rate, Sensitivity sensitivity = Sensitivity::kBalanced);
  ~VoiceActivity();
  VoiceActivity(const VoiceActivity&) = delete;
  VoiceActivity& operator=(const VoiceActivity&) = delete;

  int sample_rate() const { return sample_rate_; }
  /// True when any 10 ms block of `frame` holds speech. The frame must be a whole number of
  /// 10 ms blocks (a 20 ms frame is two); a partial block at the end is ignored.
  bool is_speech(std::span<const std::int16_t> frame);

 private:
  struct Detector;
  int sample_rate_;
  std::unique_ptr<Detector> detector_;
};

}  // namespace sb::media
