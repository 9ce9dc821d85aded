// Audio as calls carry it: G.711 both laws, 16-bit little-endian PCM, resampling between call and
// engine rates, WAV files for recordings.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>

#include "media/g711.hpp"
#include "media/pcm16.hpp"
#include "media/resampler.hpp"
#include "media/wav.hpp"
#include "temp_directory.hpp"

namespace sb::media {
namespace {

std::vector<std::int16_t> sine(int rate, double hz, double seconds, double amplitude = 12000) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::int16_t>(std::lround(
        amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate)));
  return out;
}

// The frequency of a clean tone, from its zero crossings.
double tone_frequency(const std::vector<std::int16_t>& s, int rate) {
  int crossings = 0;
  for (std::size_t i = 1; i < s.size(); ++i)
    if ((s[i - 1] < 0) != (s[i] < 0)) ++crossings;
  return crossings / 2.0 / (static_cast<double>(s.size()) / rate);
}

TEST(G711, MulawKnownCodes) {
  EXPECT_EQ(mulaw_from_linear(0), 0xFF);  // silence: all bits set on the line
  EXPECT_EQ(linear_from_mulaw(0xFF), 0);
  EXPECT_EQ(linear_from_mulaw(0x7F), 0);  // the negative zero
  EXPECT_EQ(linear_from_mulaw(0x80), 32124);
  EXPECT_EQ(linear_from_mulaw(0x00), -32124);
  EXPECT_EQ(mulaw_from_linear(32767), 0x80);
  EXPECT_EQ(mulaw_from_linear(-32768), 0x00);
}

TEST(G711, AlawKnownCodes) {
  EXPECT_EQ(alaw_from_linear(0), 0xD5);
  EXPECT_EQ(linear_from_alaw(0xD5), 8);
  EXPECT_EQ(linear_from_alaw(0x55), -8);
  EXPECT_EQ(linear_from_alaw(0xAA), 32256);
  EXPECT_EQ(linear_from_alaw(0x2A), -32256);
  EXPECT_EQ(alaw_from_linear(32767), 0xAA);
  EXPECT_EQ(alaw_from_linear(-32768), 0x2A);
}

TEST(G711, EveryCodeDecodesToAValueThatEncodesBackToIt) {
  for (int code = 0; code < 256; ++code) {
    const auto c = static_cast<std::uint8_t>(code);
    if (c != 0x7F) {
      EXPECT_EQ(mulaw_from_linear(linear_from_mulaw(c)), c) << code;
    }
    EXPECT_EQ(alaw_from_linear(linear_from_alaw(c)), c) << code;
  }
}

TEST(G711, QuantisationErrorStaysWithinTheStepOfItsSegment) {
  for (int v = -32768; v <= 32767; v += 7) {
    const auto x = static_cast<std::int16_t>(v);
    const int mu = linear_from_mulaw(mulaw_from_linear(x));
    const int a = linear_from_alaw(alaw_from_linear(x));
    // Steps double per segment: the error is bounded relative to the magnitude (about 3 %),
    // plus the smallest step near zero.
    const double bound = std::abs(v) * 0.035 + 16;
    if (std::abs(v) <= 32124) {
      EXPECT_LE(std::abs(mu - v), bound) << v;
    }
    if (std::abs(v) <= 32256) {
      EXPECT_LE(std::abs(a - v), bound) << v;
    }
  }
}

TEST(G711, BuffersRoundTrip) {
  const auto tone = sine(8000, 440, 0.1);
  std::string line;
  encode_mulaw(tone, line);
  ASSERT_EQ(line.size(), tone.size());
  std::vector<std::int16_t> back;
  decode_mulaw(line, back);
  ASSERT_EQ(back.size(), tone.size());
  EXPECT_NEAR(tone_frequency(back, 8000), 440, 5);
  encode_alaw(tone, line);
  decode_alaw(line, back);
  EXPECT_NEAR(tone_frequency(back, 8000), 440, 5);
}

TEST(Pcm16, LittleEndianBytesBothWays) {
  const std::vector<std::int16_t> samples = {0, 1, -1, 0x1234, -32768, 32767};
  const std::string bytes("\x00\x00\x01\x00\xff\xff\x34\x12\x00\x80\xff\x7f", 12);
  std::string encoded = "stale";
  encode_pcm16(samples, encoded);
  EXPECT_EQ(encoded, bytes);
  std::vector<std::int16_t> decoded = {9, 9, 9, 9, 9, 9, 9, 9};
  decode_pcm16(bytes, decoded);
  EXPECT_EQ(decoded, samples);
  decode_pcm16(bytes.substr(0, 5), decoded);  // the odd byte is not a sample
  EXPECT_EQ(decoded, (std::vector<std::int16_t>{0, 1}));
  EXPECT_EQ(pcm16_at(bytes, 6), 0x1234);
  EXPECT_EQ(pcm16_at(bytes, 8), -32768);
}

TEST(Pcm16, TheDecoderJoinsSamplesCutBetweenPieces) {
  const auto tone = sine(16000, 440, 0.05);
  std::string bytes;
  encode_pcm16(tone, bytes);
  for (const std::size_t piece : {1u, 2u, 3u, 7u, 640u}) {
    Pcm16Decoder decoder;
    std::vector<std::int16_t> all, some;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      decoder.decode(std::string_view(bytes).substr(at, piece), some);
      all.insert(all.end(), some.begin(), some.end());
      decoder.decode("", some);  // nothing new
      EXPECT_TRUE(some.empty());
    }
    EXPECT_EQ(all, tone) << "pieces of " << piece;
  }
}

TEST(Resampler, KeepsATonesPitchAndTheDurationAcrossRates) {
  for (const auto& [from, to] :
       {std::pair{8000, 16000}, {16000, 8000}, {24000, 8000}, {44100, 16000}, {16000, 48000}}) {
    Resampler resampler(from, to);
    const auto tone = sine(from, 300, 1.0);
    std::vector<std::int16_t> out;
    // Fed in 20 ms frames, as a call feeds it.
    const std::size_t frame = static_cast<std::size_t>(from / 50);
    for (std::size_t at = 0; at < tone.size(); at += frame)
      resampler.process(std::span(tone).subspan(at, std::min(frame, tone.size() - at)), out);
    EXPECT_NEAR(static_cast<double>(out.size()), to * 1.0, to * 0.01) << from << "->" << to;
    EXPECT_NEAR(tone_frequency(out, to), 300, 6) << from << "->" << to;
  }
}

TEST(Resampler, TheSameRateCopiesAndABadRateIsRefused) {
  Resampler same(16000, 16000);
  const std::vector<std::int16_t> in{1, -2, 3};
  std::vector<std::int16_t> out{9};
  same.process(in, out);
  EXPECT_EQ(out, (std::vector<std::int16_t>{9, 1, -2, 3}));
  EXPECT_THROW(Resampler(0, 8000), std::invalid_argument);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Wav, AWrittenFileParsesBackWithItsFormatAndSamples) {
  test::TempDirectory dir("sb-wav");
  const std::string path = (dir.path() / "call.wav").string();
  const std::vector<std::int16_t> stereo{1, -1, 2, -2, 300, -300};
  {
    WavWriter writer(path, {8000, 2});
    ASSERT_TRUE(writer.write(stereo));
    ASSERT_TRUE(writer.finish());
  }
  const auto bytes = read_file(path);
  ASSERT_EQ(bytes.size(), 44u + 12u);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  const auto wav = parse_wav(bytes);
  ASSERT_TRUE(wav);
  EXPECT_EQ(wav->format.sample_rate, 8000);
  EXPECT_EQ(wav->format.channels, 2);
  ASSERT_EQ(wav->samples.size(), 12u);
  std::vector<std::int16_t> back(6);
  std::memcpy(back.data(), wav->samples.data(), 12);
  EXPECT_EQ(back, stereo);
}

TEST(Wav, ARecordingCutBeforeItsHeaderWasPatchedStillParses) {
  std::string file = wav_header({16000, 1}, 0);
  file += std::string("\x01\x00\x02\x00\x03", 5);  // two samples and a torn third
  const auto wav = parse_wav(file);
  ASSERT_TRUE(wav);
  EXPECT_EQ(wav->samples.size(), 4u);
}

TEST(Wav, UnknownChunksAreSkippedAndOtherFilesRefused) {
  std::string file = wav_header({16000, 1}, 2) + std::string("\x05\x00", 2);
  // A LIST chunk (odd size, padded) between fmt and data.
  const std::string list = std::string("LIST") + std::string("\x03\x00\x00\x00", 4) + "abc" + '\0';
  file.insert(36, list);
  const auto wav = parse_wav(file);
  ASSERT_TRUE(wav);
  EXPECT_EQ(wav->samples, std::string_view("\x05\x00", 2));
  EXPECT_FALSE(parse_wav("RIFF....WAVE"));
  EXPECT_FALSE(parse_wav("not a wav file at all, no"));
  std::string eight_bit = wav_header({8000, 1}, 0);
  eight_bit[34] = 8;  // bits per sample
  EXPECT_FALSE(parse_wav(eight_bit));
}

}  // namespace
}  // namespace sb::media
