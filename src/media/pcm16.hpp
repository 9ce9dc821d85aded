#pragma once
// 16-bit linear PCM as bytes: signed samples, little-endian, two bytes each — what WAV files,
// Vapi's WebSocket transport and the custom voice and transcriber servers carry. (G.711, one
// byte per sample, is g711.hpp.)

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sb::media {

/// The sample whose two bytes start at `bytes[at]` (at + 1 < bytes.size()).
inline std::int16_t pcm16_at(std::string_view bytes, std::size_t at) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(
      static_cast<std::uint8_t>(bytes[at]) | static_cast<std::uint8_t>(bytes[at + 1]) << 8));
}

/// Whole buffers, as g711.hpp's: `out` is resized to two bytes per sample.
void encode_pcm16(std::span<const std::int16_t> samples, std::string& out);
/// `out` is resized to one sample per two bytes; an odd last byte is ignored.
void decode_pcm16(std::string_view bytes, std::vector<std::int16_t>& out);

/// Bytes that arrive in pieces cut anywhere (WebSocket messages, HTTP body chunks): a byte left
/// over from one piece is the first of the next piece's first sample.
class Pcm16Decoder {
 public:
  /// `out` is resized to the samples complete so far and not given before.
  void decode(std::string_view bytes, std::vector<std::int16_t>& out);

 private:
  char odd_ = 0;
  bool has_odd_ = false;
};

}  // namespace sb::media
