#include "media/g711_link.hpp"

#include "media/g711.hpp"

namespace sb::media {

std::vector<std::int16_t> G711Decoder::decode(std::string_view codes) {
  std::vector<std::int16_t> narrow, wide;
  if (law_ == G711Law::kAlaw)
    decode_alaw(codes, narrow);
  else
    decode_mulaw(codes, narrow);
  resampler_.process(narrow, wide);
  return wide;
}

std::string G711Encoder::encode(std::span<const std::int16_t> pcm) {
  std::vector<std::int16_t> narrow;
  resampler_.process(pcm, narrow);
  std::string codes;
  if (law_ == G711Law::kAlaw)
    encode_alaw(narrow, codes);
  else
    encode_mulaw(narrow, codes);
  return codes;
}

}  // namespace sb::media
