// Keypad tones: the two frequencies of each key, their length, and the pauses.
#include "media/dtmf_tones.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace sb::media {
namespace {

// The power of `f` in `samples` (Goertzel), relative to the samples' energy.
double share_of(const std::vector<std::int16_t>& samples, std::size_t from, std::size_t n, double f,
                int rate) {
  const double coefficient = 2 * std::cos(2 * std::numbers::pi * f / rate);
  double s1 = 0, s2 = 0, energy = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    const double s0 = samples[i] + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += static_cast<double>(samples[i]) * samples[i];
  }
  const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return power / (energy * n / 2);
}

TEST(DtmfTones, EachKeyIsItsRowAndColumnTonesThenSilence) {
  const auto five = dtmf_tones("5", 16000);
  ASSERT_EQ(five.size(), 3200u);  // 100 ms of tone, 100 ms of silence
  EXPECT_GT(share_of(five, 0, 1600, 770, 16000), 0.4);
  EXPECT_GT(share_of(five, 0, 1600, 1336, 16000), 0.4);
  EXPECT_LT(share_of(five, 0, 1600, 697, 16000), 0.05);
  EXPECT_LT(share_of(five, 0, 1600, 1477, 16000), 0.05);
  for (std::size_t i = 1600; i < five.size(); ++i) ASSERT_EQ(five[i], 0) << i;
}

TEST(DtmfTones, PausesAndUnknownKeys) {
  EXPECT_EQ(dtmf_tones("w", 8000).size(), 4000u);
  EXPECT_EQ(dtmf_tones("W", 8000).size(), 8000u);
  EXPECT_EQ(dtmf_tones("1w2", 8000).size(), 1600u + 4000u + 1600u);
  EXPECT_EQ(dtmf_tones("x?", 8000).size(), 0u);
  EXPECT_EQ(dtmf_frequencies('#'), (std::pair{941, 1477}));
  EXPECT_EQ(dtmf_frequencies('d'), (std::pair{941, 1633}));
  EXPECT_TRUE(is_dtmf_key('*'));
  EXPECT_FALSE(is_dtmf_key('p'));
}

}  // namespace
}  // namespace sb::media
