// The keypad both ways. The caller's (keypad_input.hpp): digits collected per the assistant's
// keypadInputPlan become one customer turn, "User's Keypad Entry: 1234", answered as spoken
// words are. The assistant's (the dtmf tool): keypad tones played in its answer's audio, in
// band, so they reach the far end's menu on every transport as speech does.

#include <spdlog/spdlog.h>

#include "media/dtmf_tones.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {

void LiveCallImpl::press_key(char key) {
  if (!live_) return;
  if (!keypad_.enabled()) {
    spdlog::debug("call {}: key {} ignored (keypadInputPlan not enabled)", id_, key);
    return;
  }
  last_activity_ = now();
  if (auto entry = keypad_.press(key, now())) {
    keypad_timer_.cancel();
    return keypad_entry(*entry);
  }
  if (const auto due = keypad_.due())
    keypad_timer_.arm(*due, [weak = weak_from_this()] {
      auto self = weak.lock();
      if (!self || !self->live_) return;
      if (auto entry = self->keypad_.expire(self->now())) self->keypad_entry(*entry);
    });
}

void LiveCallImpl::keypad_entry(const std::string& digits) {
  if (customer_turn_.empty()) customer_turn_started_ms_ = wall_ms();
  customer_turn_ += (customer_turn_.empty() ? "" : " ") + keypad_entry_message(digits);
  end_of_customer_turn();  // no endpointing wait: the entry is complete
}

namespace {
/// A synthesis whose audio is all there already: nothing to cancel.
struct Played final : speech::Synthesis {
  void cancel() override {}
};
}  // namespace

// chat::CallControl: runs with the turn's lock held, so it only posts.
std::string LiveCallImpl::send_dtmf(const boost::json::object&, std::string_view keys) {
  std::string playable;
  for (const char key : keys)
    if (media::is_dtmf_key(key)) playable += key;
  if (playable.empty()) return "No keys to press: use 0-9, *, # (w pauses 0.5 s, W 1 s)";
  // After what the model said before it called the tool, in the same answer.
  on_strand([playable](LiveCallImpl& c) {
    if (c.live_) c.queue_speech(c.answer_, playable, true);
  });
  return "Pressed " + playable;
}

void LiveCallImpl::play_keys(std::uint64_t answer, const std::string& keys) {
  segments_.push_back(SpokenSegment{answer, "", 0, 0, false});
  synthesis_ = std::make_unique<Played>();
  on_strand(
      [answer, pcm = media::dtmf_tones(keys, speech::kPipelineRate)](LiveCallImpl& c) mutable {
        c.synthesis_audio(answer, std::move(pcm));
        c.synthesis_done(answer);
      });
}

}  // namespace sb::voice
