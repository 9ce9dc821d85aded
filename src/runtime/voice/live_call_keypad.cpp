// The keypad both ways. The caller's (keypad_input.hpp): digits collected per the assistant's
// keypadInputPlan become one customer turn, "User's Keypad Entry: 1234", answered as spoken
// words are. The assistant's (the dtmf tool): keys pressed in its answer's audio, where the
// model put them. A transport that sends keys out of band (SIP: RFC 4733 events, or INFO with
// the tool's sipInfoDtmfEnabled) gets each key when the audio before it has been sent, and
// silence of the key's length in the audio so the pacing holds; the others get tones in band,
// which reach the far end's menu as speech does.

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
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
std::string LiveCallImpl::send_dtmf(const boost::json::object& tool, std::string_view keys) {
  std::string playable;
  for (const char key : keys)
    if (media::is_dtmf_key(key)) playable += key;
  if (playable.empty()) return "No keys to press: use 0-9, *, # (w pauses 0.5 s, W 1 s)";
  const bool sip_info = bool_at(tool, "sipInfoDtmfEnabled");
  // After what the model said before it called the tool, in the same answer.
  on_strand([playable, sip_info](LiveCallImpl& c) {
    if (c.live_) c.queue_speech(c.answer_, playable, true, sip_info);
  });
  return "Pressed " + playable;
}

void LiveCallImpl::play_keys(std::uint64_t answer, const std::string& keys, bool sip_info) {
  segments_.push_back(SpokenSegment{answer, "", 0, 0, false});
  synthesis_ = std::make_unique<Played>();
  on_strand([answer, keys, sip_info](LiveCallImpl& c) {
    if (answer == c.answer_ && c.live_) c.queue_keys(keys, sip_info);
    c.synthesis_done(answer);
  });
}

void LiveCallImpl::queue_keys(const std::string& keys, bool sip_info) {
  record(calls::events::kDtmfSent, {{"digits", keys}});
  if (!transport_ || !transport_->sends_digits(sip_info))
    return synthesis_audio(answer_, media::dtmf_tones(keys, speech::kPipelineRate));
  std::size_t at = outbound_.size();
  std::vector<std::int16_t> silence;
  for (const char key : keys) {
    // A key's place is as long as its tone would be; a pause is only silence.
    const auto length = media::dtmf_tones(std::string_view(&key, 1), speech::kPipelineRate).size();
    if (media::dtmf_frequencies(key)) digit_cues_.push_back({at, key, sip_info});
    at += length;
    silence.resize(silence.size() + length, 0);
  }
  synthesis_audio(answer_, std::move(silence));
}

}  // namespace sb::voice
