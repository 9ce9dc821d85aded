#include "media/resampler.hpp"

#include <speex/speex_resampler.h>

#include <stdexcept>
#include <string>

namespace sb::media {

struct Resampler::State {
  SpeexResamplerState* speex;
};

Resampler::Resampler(int in_rate, int out_rate, int quality)
    : in_rate_(in_rate), out_rate_(out_rate), state_(nullptr, nullptr) {
  if (in_rate <= 0 || out_rate <= 0) throw std::invalid_argument("sample rates must be positive");
  if (in_rate == out_rate) return;
  int error = 0;
  auto* speex = speex_resampler_init(1, static_cast<spx_uint32_t>(in_rate),
                                     static_cast<spx_uint32_t>(out_rate), quality, &error);
  if (!speex || error != RESAMPLER_ERR_SUCCESS)
    throw std::invalid_argument(std::string("resampler: ") + speex_resampler_strerror(error));
  // The filter's own delay is zeros at first: skipped, so output lines up with input.
  speex_resampler_skip_zeros(speex);
  state_ = {new State{speex}, [](State* s) {
              speex_resampler_destroy(s->speex);
              delete s;
            }};
}

Resampler::~Resampler() = default;

void Resampler::process(std::span<const std::int16_t> in, std::vector<std::int16_t>& out) {
  if (!state_) {
    out.insert(out.end(), in.begin(), in.end());
    return;
  }
  const std::size_t before = out.size();
  // Room for the converted samples plus what the filter held back last time.
  const std::size_t room =
      in.size() * static_cast<std::size_t>(out_rate_) / static_cast<std::size_t>(in_rate_) + 64;
  out.resize(before + room);
  auto in_len = static_cast<spx_uint32_t>(in.size());
  auto out_len = static_cast<spx_uint32_t>(room);
  speex_resampler_process_int(state_->speex, 0, in.data(), &in_len, out.data() + before, &out_len);
  out.resize(before + out_len);
}

}  // namespace sb::media
