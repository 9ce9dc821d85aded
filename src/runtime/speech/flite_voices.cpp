#include "runtime/speech/flite_voices.hpp"

#include <array>
#include <mutex>
#include <string>

#include <flite.h>

extern "C" {
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
}

namespace sb::speech {

namespace {

struct LoadedVoice {
  cst_voice* voice = nullptr;
  std::mutex mutex;
};

/// Registered once per process (registration takes about a millisecond: the voices are
/// compiled into their libraries) and kept for its life, reachable from this static.
struct Voices {
  Voices() {
    flite_init();
    at(FliteVoice::kSlt).voice = register_cmu_us_slt(nullptr);
    at(FliteVoice::kRms).voice = register_cmu_us_rms(nullptr);
    at(FliteVoice::kAwb).voice = register_cmu_us_awb(nullptr);
    at(FliteVoice::kKal16).voice = register_cmu_us_kal16(nullptr);
  }
  LoadedVoice& at(FliteVoice voice) { return all[static_cast<std::size_t>(voice)]; }
  std::array<LoadedVoice, 4> all;
};

LoadedVoice& loaded_voice(FliteVoice voice) {
  static Voices voices;
  return voices.at(voice);
}

/// flite_synth_text, step by step, so the speaking rate is set on the utterance's own
/// features (which shadow the voice's): the shared voice is never written to.
FlitePcm synthesize_with(cst_voice* voice, const std::string& text, double speed) {
  cst_utterance* utterance = new_utterance();
  utt_set_input_text(utterance, text.c_str());
  utt_init(utterance, voice);
  feat_set_float(utterance->features, "duration_stretch", static_cast<float>(1.0 / speed));
  FlitePcm pcm;
  if (utt_synth(utterance) != nullptr) {
    const cst_wave* wave = utt_wave(utterance);
    if (wave != nullptr && wave->num_samples > 0) {
      pcm.sample_rate = wave->sample_rate;
      pcm.samples.assign(wave->samples, wave->samples + wave->num_samples);
    }
  }
  delete_utterance(utterance);
  return pcm;
}

}  // namespace

FlitePcm flite_synthesize(FliteVoice voice, std::string_view text, double speed) {
  LoadedVoice& loaded = loaded_voice(voice);
  const std::string input(text);
  std::lock_guard lock(loaded.mutex);
  return synthesize_with(loaded.voice, input, speed > 0 ? speed : 1.0);
}

}  // namespace sb::speech
