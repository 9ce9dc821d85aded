#include "media/pcm16.hpp"

namespace sb::media {

void encode_pcm16(std::span<const std::int16_t> samples, std::string& out) {
  out.resize(samples.size() * 2);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto v = static_cast<std::uint16_t>(samples[i]);
    out[2 * i] = static_cast<char>(v & 0xff);
    out[2 * i + 1] = static_cast<char>(v >> 8);
  }
}

void decode_pcm16(std::string_view bytes, std::vector<std::int16_t>& out) {
  out.resize(bytes.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = pcm16_at(bytes, 2 * i);
}

void Pcm16Decoder::decode(std::string_view bytes, std::vector<std::int16_t>& out) {
  out.clear();
  if (bytes.empty()) return;
  if (has_odd_) {
    const char first[2] = {odd_, bytes.front()};
    out.push_back(pcm16_at(std::string_view(first, 2), 0));
    bytes.remove_prefix(1);
  }
  const std::size_t from = out.size();
  out.resize(from + bytes.size() / 2);
  for (std::size_t i = from; i < out.size(); ++i) out[i] = pcm16_at(bytes, 2 * (i - from));
  has_odd_ = bytes.size() % 2 == 1;
  if (has_odd_) odd_ = bytes.back();
}

}  // namespace sb::media
