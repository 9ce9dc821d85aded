// A phone line's G.711 to and from the pipeline's 16 kHz: rates, laws, and a tone that survives
// the round trip.
#include "media/g711_link.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "media/g711.hpp"

namespace sb::media {
namespace {

std::vector<std::int16_t> tone(std::size_t samples, int rate) {
  std::vector<std::int16_t> out(samples);
  for (std::size_t i = 0; i < samples; ++i)
    out[i] = static_cast<std::int16_t>(
        8000 * std::sin(2 * std::numbers::pi * 440 * static_cast<double>(i) / rate));
  return out;
}

double rms(std::span<const std::int16_t> s) {
  double sum = 0;
  for (const auto v : s) sum += static_cast<double>(v) * v;
  return std::sqrt(sum / static_cast<double>(s.size()));
}

TEST(G711Link, EncodesTheWideRateAsHalfAsManyCodesAndDecodesThemBack) {
  G711Encoder encoder(G711Law::kMulaw, 16'000);
  G711Decoder decoder(G711Law::kMulaw, 16'000);
  std::string codes;
  std::vector<std::int16_t> back;
  const auto pcm = tone(16'000, 16'000);
  for (std::size_t at = 0; at < pcm.size(); at += 320) {
    const auto frame = encoder.encode(std::span(pcm).subspan(at, 320));
    codes += frame;
    const auto wide = decoder.decode(frame);
    back.insert(back.end(), wide.begin(), wide.end());
  }
  // Each resampler holds back a few samples (its filter's delay).
  EXPECT_NEAR(static_cast<double>(codes.size()), 8000, 60);
  EXPECT_NEAR(static_cast<double>(back.size()), 16'000, 160);
  // The tone's energy survives, less the filters' start.
  EXPECT_NEAR(rms(std::span(back).subspan(1000)), rms(pcm), 300);
}

TEST(G711Link, DecodesEitherLawAndSwitchesWhenTold) {
  const std::vector<std::int16_t> level(160, 4000);
  std::string mulaw, alaw;
  encode_mulaw(level, mulaw);
  encode_alaw(level, alaw);
  G711Decoder decoder(G711Law::kMulaw, 8'000);  // same rate: no resampling in the way
  EXPECT_NEAR(decoder.decode(mulaw).back(), 4000, 128);
  decoder.set_law(G711Law::kAlaw);
  EXPECT_NEAR(decoder.decode(alaw).back(), 4000, 128);
  G711Encoder encoder(G711Law::kAlaw, 8'000);
  EXPECT_EQ(encoder.encode(level), alaw);
}

}  // namespace
}  // namespace sb::media
