// The audio of a live call: customer frames in (voice activity, the transcriber, barge-in) and
// the assistant's frames out on a 20 ms clock.

#include <algorithm>

#include "core/json_fields.hpp"
#include "domain/calls/call_costs.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/voice/call_metrics.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kFrame{20};
constexpr std::size_t kFrameSamples = speech::kFrameSamples;
// Voice for this long starts the customer's utterance (speech-update started); shorter blips
// are clicks and breath.
constexpr milliseconds kSpeechStart{60};
// Silence for this long ends it. Endpointing (when to answer) is the transcript's business; this
// only bounds what counts as one utterance for barge-in.
constexpr milliseconds kSpeechEnd{400};
// The cut of an interrupted answer ramps to silence over this many samples (5 ms) instead of
// stopping mid-waveform, which clicks.
constexpr std::size_t kFadeSamples = 80;

}  // namespace

void LiveCallImpl::take_customer_audio(const std::vector<std::int16_t>& pcm) {
  if (!live_) return;
  customer_pending_.insert(customer_pending_.end(), pcm.begin(), pcm.end());
  std::size_t at = 0;
  while (customer_pending_.size() - at >= kFrameSamples) {
    customer_frame(std::span<const std::int16_t>(customer_pending_.data() + at, kFrameSamples));
    at += kFrameSamples;
    if (!live_) return;
  }
  customer_pending_.erase(customer_pending_.begin(), customer_pending_.begin() + at);
}

void LiveCallImpl::customer_frame(std::span<const std::int16_t> frame) {
  static const std::vector<std::int16_t> kSilence(kFrameSamples, 0);
  if (customer_muted_) frame = kSilence;
  if (recorder_) recorder_->customer(frame, now());
  const bool voice = vad_.is_speech(frame);
  if (voice) {
    voiced_ += kFrame;
    unvoiced_ = milliseconds(0);
    last_activity_ = now();
    if (!customer_speaking_ && voiced_ >= kSpeechStart) {
      customer_speaking_ = true;
      record(calls::events::kUserSpeechStarted);
      customer_spoke();
      auto m = base_message("speech-update");
      m["status"] = "started";
      m["role"] = "user";
      m["turn"] = turn_count_;
      emit(std::move(m));
    }
  } else {
    unvoiced_ += kFrame;
    if (unvoiced_ >= kSpeechEnd) {
      if (customer_speaking_) {
        customer_speaking_ = false;
        record(calls::events::kUserSpeechStopped);
        begin_silence();
        auto m = base_message("speech-update");
        m["status"] = "stopped";
        m["role"] = "user";
        m["turn"] = turn_count_;
        emit(std::move(m));
      }
      voiced_ = milliseconds(0);
    }
  }
  const auto& assistant = last_frame_.size() == kFrameSamples ? last_frame_ : kSilence;
  if (transcriber_) transcriber_->push(frame, assistant);
  if (assistant_speaking_) check_barge_in();
}

void LiveCallImpl::check_barge_in() {
  if (!interruptible_) return;
  // On the voice alone (numWords 0) only speech the detector heard counts; on words, the
  // transcript decides.
  if (stop_plan_.num_words <= 0 && !customer_speaking_ && partial_.empty()) return;
  if (barge_in(stop_plan_, voiced_, partial_) == BargeIn::kInterrupt) interrupt();
}

bool LiveCallImpl::speaking_queued() const {
  return turn_running_ || synthesis_ || !speech_queue_.empty() || !outbound_.empty();
}

bool LiveCallImpl::all_heard(Clock::SteadyTime t) const {
  return speech_queue_.empty() && !synthesis_ && outbound_.empty() && pacer_.ahead(t) == 0;
}

void LiveCallImpl::tick() {
  if (!live_) return;
  const auto t = now();
  if (recorder_) recorder_->tick(t);
  if (t - started_at_ >= max_duration_) return finish("exceeded-max-duration");
  if (!assistant_speaking_ && !speaking_queued() && !customer_speaking_ &&
      t - last_activity_ >= silence_timeout_)
    return finish("silence-timed-out");
  check_hooks(t);
  if (!live_) return;

  send_due(t);
  credit_played(t);
  if (held_tools_) release_tools(t);
  // A transfer's message has been heard (the model's next round may still be running).
  if (pending_transfer_ && all_heard(t)) carry_out_transfer();
  if (!live_) return;
  // A mark after each answer's last frame: a transport that buffers says when it has played.
  if (assistant_speaking_ && !speaking_queued() && marked_answer_ != answer_) {
    marked_answer_ = answer_;
    transport_->mark("answer-" + std::to_string(answer_));
  }
  // Done speaking once the listener has played everything it was sent.
  if (assistant_speaking_ && !speaking_queued() && pacer_.ahead(t) == 0) {
    assistant_stopped_speaking();
    if (!pending_end_.empty()) return finish(pending_end_);
    if (answer_when_quiet_) {
      answer_when_quiet_ = false;
      end_of_customer_turn();
    }
  }
  if (!live_) return;
  // Every 20 ms on the grid of the current run of speech (frame k of a run goes out at its
  // start + k × 20 ms); sooner when audio is waiting for the moment it may start.
  auto next = t + kFrame - (t - grid_origin_) % kFrame;
  if (!assistant_speaking_ && !outbound_.empty() && speak_not_before_ > t)
    next = std::min(next, speak_not_before_);
  tick_timer_.arm(next, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->tick();
  });
}

// Sends what the pacer allows at `t`: the first frames of a run together (the one playing now
// and the lead), then a frame per tick.
void LiveCallImpl::send_due(Clock::SteadyTime t) {
  const std::size_t available = (outbound_.size() + kFrameSamples - 1) / kFrameSamples;
  if (available > 0 && t >= speak_not_before_ && !assistant_muted_) {
    // While speaking, the pacer reads the grid point this tick belongs to, not how late its
    // timer fired: a run restarted on a tick late by d would otherwise start d after the grid,
    // and every later tick less late than d would find one frame fewer played and hold that
    // frame back to the next tick, 20 ms late.
    const auto pace_at =
        assistant_speaking_ && t >= grid_origin_ ? t - (t - grid_origin_) % kFrame : t;
    const std::size_t frames =
        transport_->paced() ? std::min(available, pacer_.allowance(pace_at)) : available;
    // A last partial frame waits for more audio unless its synthesis is complete.
    const bool tail_ready = outbound_.size() % kFrameSamples == 0 || !synthesis_;
    const std::size_t whole = outbound_.size() / kFrameSamples;
    const std::size_t send = tail_ready ? frames : std::min(frames, whole);
    if (send > 0) {
      if (!assistant_speaking_) assistant_started_speaking();
      send_frames(send);
      pacer_.sent(send, pace_at);
    }
  }
}

void LiveCallImpl::send_frames(std::size_t frames) {
  for (std::size_t f = 0; f < frames && !outbound_.empty(); ++f) {
    last_frame_.assign(kFrameSamples, 0);
    const auto n = std::min(kFrameSamples, outbound_.size());
    std::copy_n(outbound_.begin(), n, last_frame_.begin());
    outbound_.erase(outbound_.begin(), outbound_.begin() + static_cast<std::ptrdiff_t>(n));
    // A key whose placeholder starts in this frame goes out first (live_call_keypad.cpp).
    while (!digit_cues_.empty() && digit_cues_.front().at < n) {
      transport_->send_digit(digit_cues_.front().key, digit_cues_.front().sip_info);
      digit_cues_.pop_front();
    }
    for (auto& cue : digit_cues_) cue.at -= n;
    transport_->send_audio(last_frame_);
    if (recorder_) recorder_->assistant(last_frame_, now());
    sent_samples_ += n;
  }
  last_activity_ = now();
}

// What the caller has heard, credited to the segments oldest first: on a paced transport
// everything sent (nothing can be taken back), on one that buffers what real time has played
// of it (clear() drops the rest).
void LiveCallImpl::credit_played(Clock::SteadyTime t) {
  if (!transport_) return;
  const std::size_t ahead = transport_->paced() ? 0 : pacer_.ahead(t) * kFrameSamples;
  const std::size_t played = sent_samples_ > ahead ? sent_samples_ - ahead : 0;
  if (played <= credited_samples_) return;
  auto left = played - credited_samples_;
  credited_samples_ = played;
  for (auto& s : segments_) {
    const auto take = std::min(left, s.samples - s.played);
    s.played += take;
    left -= take;
    if (left == 0) break;
  }
}

void LiveCallImpl::assistant_started_speaking() {
  assistant_speaking_ = true;
  record(calls::events::kBotSpeechStarted);
  answer_started();
  grid_origin_ = now();
  assistant_started_ms_ = wall_ms();
  auto m = base_message("speech-update");
  m["status"] = "started";
  m["role"] = "assistant";
  m["turn"] = turn_count_;
  emit(std::move(m));
  if (customer_speaking_) run_customer_interrupted_hooks();
}

void LiveCallImpl::assistant_stopped_speaking() {
  if (!assistant_speaking_) return;
  assistant_speaking_ = false;
  record(calls::events::kBotSpeechStopped);
  sent_samples_ = credited_samples_ = 0;
  const auto spoken = heard_text(0, true);
  add_artifact_message("bot", spoken, assistant_started_ms_, wall_ms());
  if (!spoken.empty()) {
    auto t = base_message("transcript");
    t["role"] = "assistant";
    t["transcriptType"] = "final";
    t["transcript"] = spoken;
    emit(std::move(t));
  }
  std::erase_if(segments_,
                [](const SpokenSegment& s) { return s.complete && s.played == s.samples; });
  last_frame_.clear();
  pacer_.reset();
  auto m = base_message("speech-update");
  m["status"] = "stopped";
  m["role"] = "assistant";
  m["turn"] = turn_count_++;
  emit(std::move(m));
  interruptible_ = true;
  if (answer_ != hook_answer_) begin_silence();
}

// The words of a segment the caller heard: all of them once it played whole, else the share of
// its words its played samples cover (cut back to a word boundary).
static std::string heard_part(const SpokenSegment& s) {
  if (s.played == 0) return {};
  if (s.complete && s.played >= s.samples) return s.text;
  const double share =
      s.samples == 0 ? 0.0 : static_cast<double>(s.played) / static_cast<double>(s.samples);
  const auto keep = static_cast<std::size_t>(share * static_cast<double>(s.text.size()));
  const auto space = s.text.rfind(' ', keep);
  return space == std::string::npos ? std::string() : s.text.substr(0, space);
}

std::string LiveCallImpl::heard_text(std::uint64_t answer, bool all) const {
  std::string heard;
  for (const auto& s : segments_) {
    if (!all && s.answer != answer) continue;
    const auto part = heard_part(s);
    if (!part.empty()) heard += (heard.empty() ? "" : " ") + part;
  }
  return heard;
}

void LiveCallImpl::fade_out() {
  if (!transport_ || !transport_->paced() || outbound_.empty() || last_frame_.empty()) return;
  std::vector<std::int16_t> fade(kFadeSamples, 0);
  const auto n = std::min(kFadeSamples, outbound_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const double gain = 1.0 - static_cast<double>(i + 1) / static_cast<double>(kFadeSamples);
    fade[i] = static_cast<std::int16_t>(outbound_[i] * gain);
  }
  transport_->send_audio(fade);
  if (recorder_) recorder_->assistant(fade, now());
}

void LiveCallImpl::interrupt() {
  const auto cut = answer_++;
  if (services_.metrics) ++services_.metrics->interruptions;
  credit_played(now());
  const auto heard = heard_text(cut);
  fade_out();
  if (transport_) transport_->clear();
  if (recorder_ && transport_ && !transport_->paced()) recorder_->cut_assistant(now());
  if (synthesis_) synthesis_->cancel();
  synthesis_.reset();
  speech_queue_.clear();
  chunker_.reset();
  if (turn_ && turn_running_) {
    auto slot = std::make_shared<std::optional<chat::ChatResult>>();
    cut_slot_ = slot;
    turn_->cancel();  // on_cancelled runs now, on this strand, and fills the slot
    cut_slot_.reset();
    turn_running_ = false;
    if (*slot) {
      calls::merge_model_costs(model_costs_, (*slot)->costs);
      keep_heard(heard, &(*slot)->output);
      hand_off((*slot)->assistant);
    } else {
      late_cut_.emplace(cut, heard);  // its on_done is already on its way
    }
  } else {
    keep_heard(heard, nullptr);
  }
  emit(base_message("user-interrupted"));
  answer_started();
  // Only what was played stays in the segments, so the artifact says what the caller heard.
  for (auto& s : segments_) {
    s.text = heard_part(s);
    s.samples = s.played;
    s.complete = true;
  }
  assistant_stopped_speaking();
  outbound_.clear();
  digit_cues_.clear();
  segments_.clear();
  speak_not_before_ = now() + stop_plan_.backoff;
  pending_end_.clear();
  held_tools_ = nullptr;  // their turn was cancelled
  for (const auto& actions : hooks_.on_assistant_interrupted()) run_hook(actions);
}

}  // namespace sb::voice
