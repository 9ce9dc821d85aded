#pragma once
// G.711 companding (ITU-T G.711): μ-law, what Twilio Media Streams and North American phone
// lines carry, and A-law, the European lines' (SIP peers offer PCMA). One byte per sample at
// 8 kHz; 16-bit linear PCM on our side.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sb::media {

std::uint8_t mulaw_from_linear(std::int16_t sample);
std::int16_t linear_from_mulaw(std::uint8_t code);
std::uint8_t alaw_from_linear(std::int16_t sample);
std::int16_t linear_from_alaw(std::uint8_t code);

/// Whole buffers: `out` is resized to one value per input value.
void encode_mulaw(std::span<const std::int16_t> samples, std::string& out);
void decode_mulaw(std::string_view codes, std::vector<std::int16_t>& out);
void encode_alaw(std::span<const std::int16_t> samples, std::string& out);
void decode_alaw(std::string_view codes, std::vector<std::int16_t>& out);

/// One law's codes as the other's, sample by sample through linear PCM (a bridge between a
/// PCMU leg and a PCMA leg): no resampling, so nothing is lost but the companding step.
std::string alaw_from_mulaw(std::string_view codes);
std::string mulaw_from_alaw(std::string_view codes);

}  // namespace sb::media
