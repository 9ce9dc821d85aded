#pragma once
// WAV (RIFF, 16-bit PCM) in and out: recordings are written as the call goes, the header's
// sizes patched when it ends; the bundled client and the tests read them back.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sb::media {

struct WavFormat {
  int sample_rate = 16000;
  int channels = 1;  ///< interleaved
};

/// The 44-byte header of a 16-bit PCM file holding `data_bytes` of samples.
std::string wav_header(WavFormat format, std::uint32_t data_bytes);

/// A parsed file: its format and its sample bytes (little-endian, interleaved).
struct WavData {
  WavFormat format;
  std::string_view samples;
};
/// nullopt unless `file` is RIFF/WAVE with a 16-bit PCM fmt chunk and a data chunk; chunks
/// it does not know (LIST, fact) are skipped. A data chunk longer than the file (a recording
/// cut before its header was patched) is read to the end of the file.
std::optional<WavData> parse_wav(std::string_view file);

/// Writes a WAV file as samples come: the header first with sizes left at zero, patched by
/// finish() (or the destructor). A file whose writer died before finish() still parses.
class WavWriter {
 public:
  /// Throws std::runtime_error when the file cannot be created.
  WavWriter(const std::string& path, WavFormat format);
  ~WavWriter();  ///< finish()
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  /// Appends interleaved samples (a whole number of frames). False once a write failed.
  bool write(std::span<const std::int16_t> samples);
  /// Patches the sizes and closes; idempotent. False when a write or the close failed.
  bool finish();
  std::uint64_t data_bytes() const { return data_bytes_; }

 private:
  std::FILE* file_;
  WavFormat format_;
  std::uint64_t data_bytes_ = 0;
  bool failed_ = false;
};

}  // namespace sb::media
