#pragma once
// Sample-rate conversion of 16-bit mono PCM between the rates calls meet (8 kHz phone audio,
// 16 kHz speech engines, 24/44.1/48 kHz voices), streaming: state carries across calls to
// process(), so frames can be fed as they arrive. speexdsp's resampler does the work.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace sb::media {

class Resampler {
 public:
  /// `quality` 0 (fastest) to 10 (best); 3 is speexdsp's VoIP setting. Throws
  /// std::invalid_argument on a rate speexdsp refuses.
  Resampler(int in_rate, int out_rate, int quality = 3);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  int in_rate() const { return in_rate_; }
  int out_rate() const { return out_rate_; }
  /// Appends the converted samples to `out`: about in.size() * out_rate / in_rate of them
  /// (the filter holds back a few until later input). Same rates copy through.
  void process(std::span<const std::int16_t> in, std::vector<std::int16_t>& out);

 private:
  struct State;
  int in_rate_;
  int out_rate_;
  std::unique_ptr<State, void (*)(State*)> state_;
};

}  // namespace sb::media
