#include "media/g711.hpp"

#include <array>

namespace sb::media {
namespace {

// Both laws split the magnitude into 8 segments of 16 steps; a segment doubles the step of the
// one before. μ-law biases the magnitude by 33 (in 14-bit units) so segment boundaries fall
// on powers of two; A-law's first two segments share one step size. Codes are sent with their
// bits inverted (μ-law: all of them; A-law: the even ones, 0x55), which keeps idle lines busy
// with transitions.
constexpr int kMulawBias = 33;
constexpr int kMulawClip = 8159;  // the largest 14-bit magnitude μ-law encodes

int segment_of(int magnitude, int first_limit) {
  int segment = 0;
  for (int limit = first_limit; segment < 8 && magnitude > limit; limit = limit * 2 + 1) ++segment;
  return segment;
}

std::int16_t decode_mulaw_code(std::uint8_t code) {
  const int inverted = ~code & 0xFF;
  const int segment = (inverted >> 4) & 0x07;
  const int step = inverted & 0x0F;
  // The middle of the step, in 16-bit units: the bias (33 in 14-bit units is 132) added
  // before shifting is taken off after.
  const int magnitude = (((step << 3) + 4 * kMulawBias) << segment) - 4 * kMulawBias;
  return static_cast<std::int16_t>((inverted & 0x80) ? -magnitude : magnitude);
}

std::int16_t decode_alaw_code(std::uint8_t code) {
  const int toggled = code ^ 0x55;
  const int segment = (toggled >> 4) & 0x07;
  int magnitude = ((toggled & 0x0F) << 4) + 8;  // the middle of the step, 16-bit units / 2
  if (segment > 0) magnitude = (magnitude + 0x100) << (segment - 1);
  return static_cast<std::int16_t>((toggled & 0x80) ? magnitude : -magnitude);
}

template <class F>
std::array<std::int16_t, 256> table_of(F decode) {
  std::array<std::int16_t, 256> t{};
  for (int code = 0; code < 256; ++code) t[code] = decode(static_cast<std::uint8_t>(code));
  return t;
}

const std::array<std::int16_t, 256> kMulaw = table_of(decode_mulaw_code);
const std::array<std::int16_t, 256> kAlaw = table_of(decode_alaw_code);

}  // namespace

std::uint8_t mulaw_from_linear(std::int16_t sample) {
  int value = sample >> 2;  // 14 bits
  int mask = 0xFF;
  if (value < 0) {
    value = -value;
    mask = 0x7F;
  }
  if (value > kMulawClip) value = kMulawClip;
  value += kMulawBias;
  const int segment = segment_of(value, 0x3F);
  if (segment >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
  const int code = (segment << 4) | ((value >> (segment + 1)) & 0x0F);
  return static_cast<std::uint8_t>(code ^ mask);
}

std::int16_t linear_from_mulaw(std::uint8_t code) {
  return kMulaw[code];
}

std::uint8_t alaw_from_linear(std::int16_t sample) {
  int value = sample >> 3;  // 13 bits
  int mask = 0xD5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  const int segment = segment_of(value, 0x1F);
  if (segment >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
  const int step = segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F;
  return static_cast<std::uint8_t>(((segment << 4) | step) ^ mask);
}

std::int16_t linear_from_alaw(std::uint8_t code) {
  return kAlaw[code];
}

void encode_mulaw(std::span<const std::int16_t> samples, std::string& out) {
  out.resize(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i)
    out[i] = static_cast<char>(mulaw_from_linear(samples[i]));
}

void decode_mulaw(std::string_view codes, std::vector<std::int16_t>& out) {
  out.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i)
    out[i] = kMulaw[static_cast<std::uint8_t>(codes[i])];
}

void encode_alaw(std::span<const std::int16_t> samples, std::string& out) {
  out.resize(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i)
    out[i] = static_cast<char>(alaw_from_linear(samples[i]));
}

void decode_alaw(std::string_view codes, std::vector<std::int16_t>& out) {
  out.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i)
    out[i] = kAlaw[static_cast<std::uint8_t>(codes[i])];
}

std::string alaw_from_mulaw(std::string_view codes) {
  std::string out(codes.size(), '\0');
  for (std::size_t i = 0; i < codes.size(); ++i)
    out[i] = static_cast<char>(alaw_from_linear(kMulaw[static_cast<std::uint8_t>(codes[i])]));
  return out;
}

std::string mulaw_from_alaw(std::string_view codes) {
  std::string out(codes.size(), '\0');
  for (std::size_t i = 0; i < codes.size(); ++i)
    out[i] = static_cast<char>(mulaw_from_linear(kAlaw[static_cast<std::uint8_t>(codes[i])]));
  return out;
}

}  // namespace sb::media
