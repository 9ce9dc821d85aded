#pragma once
// A phone line's G.711 audio (8 kHz μ-law or A-law, one byte a sample) to and from a wider
// pipeline rate, streaming: the decoder turns what the line sends into pipeline PCM, the
// encoder what the pipeline says into line bytes. Each keeps its resampler's state across
// calls, so each belongs to one thread (a transport decodes on its socket's, encodes on its
// call's).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "media/resampler.hpp"

namespace sb::media {

enum class G711Law { kMulaw, kAlaw };

class G711Decoder {
 public:
  G711Decoder(G711Law law, int out_rate) : law_(law), resampler_(8'000, out_rate) {}
  void set_law(G711Law law) { law_ = law; }
  /// The samples of `codes` at the output rate (a few may be held back until the next call).
  std::vector<std::int16_t> decode(std::string_view codes);

 private:
  G711Law law_;
  Resampler resampler_;
};

class G711Encoder {
 public:
  G711Encoder(G711Law law, int in_rate) : law_(law), resampler_(in_rate, 8'000) {}
  void set_law(G711Law law) { law_ = law; }
  /// `pcm` at the input rate as 8 kHz codes.
  std::string encode(std::span<const std::int16_t> pcm);

 private:
  G711Law law_;
  Resampler resampler_;
};

}  // namespace sb::media
