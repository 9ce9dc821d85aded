#pragma once
// flite (Debian's flite1-dev) behind one function, so flite_voices.cpp is the one file compiled
// with its headers. Debian ships five US English voices; four are linked: slt (female), rms and
// awb (male, statistical, 16 kHz) and kal16 (male, diphone, 16 kHz; kal at 8 kHz is left out).

#include <cstdint>
#include <string_view>
#include <vector>

namespace sb::speech {

enum class FliteVoice { kSlt, kRms, kAwb, kKal16 };

struct FlitePcm {
  std::vector<std::int16_t> samples;  ///< mono
  int sample_rate = 0;
};

/// Synthesises `text` (empty audio for text with nothing to say). `speed` (> 0) multiplies the
/// speaking rate. Thread-safe: syntheses on one voice take turns (flite's voices are shared,
/// mutable C structures it does not document as reentrant); different voices run in parallel.
FlitePcm flite_synthesize(FliteVoice voice, std::string_view text, double speed);

}  // namespace sb::speech
