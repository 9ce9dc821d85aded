#include "media/voice_activity.hpp"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <algorithm>
#include <stdexcept>

namespace sb::media {

// The audio-processing module with nothing enabled but its voice detection: the library's
// public way to its detector. Processing a block runs only the enabled parts.
struct VoiceActivity::Detector {
  std::unique_ptr<webrtc::AudioProcessing> apm{webrtc::AudioProcessing::Create()};
  webrtc::AudioFrame block;
};

namespace {

webrtc::VoiceDetection::Likelihood likelihood_of(VoiceActivity::Sensitivity s) {
  switch (s) {
    case VoiceActivity::Sensitivity::kEager:
      return webrtc::VoiceDetection::kHighLikelihood;
    case VoiceActivity::Sensitivity::kStrict:
      return webrtc::VoiceDetection::kVeryLowLikelihood;
    case VoiceActivity::Sensitivity::kBalanced:
      break;
  }
  return webrtc::VoiceDetection::kModerateLikelihood;
}

}  // namespace

VoiceActivity::VoiceActivity(int sample_rate, Sensitivity sensitivity)
    : sample_rate_(sample_rate), detector_(std::make_unique<Detector>()) {
  if (sample_rate != 8000 && sample_rate != 16000 && sample_rate != 32000 && sample_rate != 48000)
    throw std::invalid_argument("voice activity detection takes 8, 16, 32 or 48 kHz audio");
  auto* vad = detector_->apm->voice_detection();
  if (vad->Enable(true) != 0 || vad->set_likelihood(likelihood_of(sensitivity)) != 0 ||
      vad->set_frame_size_ms(10) != 0)
    throw std::runtime_error("voice activity detection could not be set up");
  auto& block = detector_->block;
  block.sample_rate_hz_ = sample_rate;
  block.num_channels_ = 1;
  block.samples_per_channel_ = static_cast<size_t>(sample_rate / 100);
}

VoiceActivity::~VoiceActivity() = default;

bool VoiceActivity::is_speech(std::span<const std::int16_t> frame) {
  auto& block = detector_->block;
  const std::size_t size = block.samples_per_channel_;
  bool speech = false;
  for (std::size_t at = 0; at + size <= frame.size(); at += size) {
    std::copy_n(frame.data() + at, size, block.data_);
    block.vad_activity_ = webrtc::AudioFrame::kVadUnknown;
    if (detector_->apm->ProcessStream(&block) != 0) continue;
    speech = detector_->apm->voice_detection()->stream_has_voice() || speech;
  }
  return speech;
}

}  // namespace sb::media
