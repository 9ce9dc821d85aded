#include "media/wav.hpp"

#include <stdexcept>

namespace sb::media {
namespace {

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::uint32_t u32_at(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<std::uint8_t>(s[at + i]);
  return v;
}

std::uint16_t u16_at(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(s[at]) |
                                    static_cast<std::uint8_t>(s[at + 1]) << 8);
}

// RIFF sizes are 32-bit: a longer recording keeps the largest size the field can say.
std::uint32_t clamp32(std::uint64_t v) {
  return v > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(v);
}

constexpr std::uint32_t kHeaderBytes = 44;

}  // namespace

std::string wav_header(WavFormat format, std::uint32_t data_bytes) {
  const auto block = static_cast<std::uint16_t>(format.channels * 2);
  std::string h;
  h.reserve(kHeaderBytes);
  h += "RIFF";
  put_u32(h, clamp32(std::uint64_t{data_bytes} + kHeaderBytes - 8));
  h += "WAVEfmt ";
  put_u32(h, 16);
  put_u16(h, 1);  // PCM
  put_u16(h, static_cast<std::uint16_t>(format.channels));
  put_u32(h, static_cast<std::uint32_t>(format.sample_rate));
  put_u32(h, static_cast<std::uint32_t>(format.sample_rate) * block);
  put_u16(h, block);
  put_u16(h, 16);
  h += "data";
  put_u32(h, data_bytes);
  return h;
}

std::optional<WavData> parse_wav(std::string_view file) {
  if (file.size() < 12 || file.substr(0, 4) != "RIFF" || file.substr(8, 4) != "WAVE")
    return std::nullopt;
  std::optional<WavFormat> format;
  std::size_t at = 12;
  while (at + 8 <= file.size()) {
    const auto id = file.substr(at, 4);
    const std::uint64_t size = u32_at(file, at + 4);
    const std::size_t body = at + 8;
    if (id == "fmt ") {
      if (size < 16 || body + 16 > file.size()) return std::nullopt;
      if (u16_at(file, body) != 1 || u16_at(file, body + 14) != 16) return std::nullopt;
      const int channels = u16_at(file, body + 2);
      const auto rate = u32_at(file, body + 4);
      if (channels < 1 || rate == 0 || rate > 384'000) return std::nullopt;
      format = WavFormat{static_cast<int>(rate), channels};
    } else if (id == "data") {
      if (!format) return std::nullopt;
      const std::size_t available = file.size() - body;
      std::size_t length = size == 0 || size > available ? available : size;
      length -= length % (2 * static_cast<std::size_t>(format->channels));
      return WavData{*format, file.substr(body, length)};
    }
    at = body + size + (size & 1);  // chunks are padded to even sizes
  }
  return std::nullopt;
}

WavWriter::WavWriter(const std::string& path, WavFormat format)
    : file_(std::fopen(path.c_str(), "wb")), format_(format) {
  if (!file_) throw std::runtime_error("cannot create " + path);
  const auto header = wav_header(format_, 0);
  failed_ = std::fwrite(header.data(), 1, header.size(), file_) != header.size();
}

WavWriter::~WavWriter() {
  finish();
}

bool WavWriter::write(std::span<const std::int16_t> samples) {
  if (!file_ || failed_) return false;
  // The samples are little-endian on every machine this builds for (x86-64, arm64).
  const std::size_t bytes = samples.size() * sizeof(std::int16_t);
  failed_ = std::fwrite(samples.data(), 1, bytes, file_) != bytes;
  if (!failed_) data_bytes_ += bytes;
  return !failed_;
}

bool WavWriter::finish() {
  if (!file_) return !failed_;
  const auto header = wav_header(format_, clamp32(data_bytes_));
  if (!failed_ && std::fseek(file_, 0, SEEK_SET) == 0)
    failed_ = std::fwrite(header.data(), 1, header.size(), file_) != header.size();
  else
    failed_ = true;
  failed_ = std::fclose(file_) != 0 || failed_;
  file_ = nullptr;
  return !failed_;
}

}  // namespace sb::media
