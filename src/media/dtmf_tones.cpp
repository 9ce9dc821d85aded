#include "media/dtmf_tones.hpp"

#include <cctype>
#include <cmath>
#include <numbers>

namespace sb::media {

namespace {

constexpr int kToneMs = 100;
constexpr int kGapMs = 100;
constexpr double kAmplitude = 8000;  // each of the two tones: well below clipping together

constexpr std::string_view kKeys = "123A456B789C*0#D";
constexpr int kRows[] = {697, 770, 852, 941};
constexpr int kColumns[] = {1209, 1336, 1477, 1633};

void silence(std::vector<std::int16_t>& out, int ms, int rate) {
  out.insert(out.end(), static_cast<std::size_t>(rate / 1000 * ms), 0);
}

}  // namespace

std::optional<std::pair<int, int>> dtmf_frequencies(char key) {
  const auto at = kKeys.find(static_cast<char>(std::toupper(static_cast<unsigned char>(key))));
  if (at == std::string_view::npos) return std::nullopt;
  return std::pair{kRows[at / 4], kColumns[at % 4]};
}

bool is_dtmf_key(char key) {
  return key == 'w' || key == 'W' || dtmf_frequencies(key).has_value();
}

std::vector<std::int16_t> dtmf_tones(std::string_view keys, int sample_rate) {
  std::vector<std::int16_t> out;
  for (const char key : keys) {
    if (key == 'w') {
      silence(out, 500, sample_rate);
      continue;
    }
    if (key == 'W') {
      silence(out, 1000, sample_rate);
      continue;
    }
    const auto frequencies = dtmf_frequencies(key);
    if (!frequencies) continue;
    const auto samples = sample_rate / 1000 * kToneMs;
    for (int i = 0; i < samples; ++i) {
      const double t = static_cast<double>(i) / sample_rate;
      const double v = kAmplitude * (std::sin(2 * std::numbers::pi * frequencies->first * t) +
                                     std::sin(2 * std::numbers::pi * frequencies->second * t));
      out.push_back(static_cast<std::int16_t>(std::lround(v)));
    }
    silence(out, kGapMs, sample_rate);
  }
  return out;
}

}  // namespace sb::media
