// Voice activity detection on synthetic audio: silence and hum are not speech, a voiced
// vowel-like signal is.
#include "media/voice_activity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace sb::media {
namespace {

// A vowel-like sound: a 140 Hz glottal pulse train's harmonics shaped by two formants.
std::vector<std::int16_t> vowel(int rate, int ms) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(rate / 1000 * ms));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    double v = 0;
    for (int h = 1; h * 140 < 3400; ++h) {
      const double f = h * 140.0;
      const double gain = 1.0 / (1 + std::pow((f - 700) / 150, 2)) +
                          0.6 / (1 + std::pow((f - 1200) / 200, 2)) + 0.05;
      v += gain * std::sin(2 * std::numbers::pi * f * t);
    }
    out[i] = static_cast<std::int16_t>(std::clamp(v * 4000, -32000.0, 32000.0));
  }
  return out;
}

// Fraction of the 20 ms frames judged speech.
double speech_share(VoiceActivity& vad, const std::vector<std::int16_t>& audio) {
  const std::size_t frame = static_cast<std::size_t>(vad.sample_rate() / 50);
  int speech = 0, frames = 0;
  for (std::size_t at = 0; at + frame <= audio.size(); at += frame, ++frames)
    speech += vad.is_speech(std::span(audio).subspan(at, frame));
  return frames ? static_cast<double>(speech) / frames : 0;
}

TEST(VoiceActivity, SilenceIsNotSpeechAndAVowelIs) {
  for (const int rate : {8000, 16000}) {
    VoiceActivity vad(rate);
    EXPECT_EQ(speech_share(vad, std::vector<std::int16_t>(rate, 0)), 0.0) << rate;
    EXPECT_GT(speech_share(vad, vowel(rate, 1000)), 0.8) << rate;
  }
}

TEST(VoiceActivity, FaintNoiseIsMostlyNotSpeech) {
  VoiceActivity vad(16000, VoiceActivity::Sensitivity::kStrict);
  std::mt19937 random(7);
  std::normal_distribution<double> noise(0, 30);
  std::vector<std::int16_t> hiss(16000);
  for (auto& s : hiss) s = static_cast<std::int16_t>(noise(random));
  EXPECT_LT(speech_share(vad, hiss), 0.2);
}

TEST(VoiceActivity, AnUnsupportedRateIsRefused) {
  EXPECT_THROW(VoiceActivity(44100), std::invalid_argument);
}

}  // namespace
}  // namespace sb::media
