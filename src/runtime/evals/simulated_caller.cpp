#include "runtime/evals/simulated_caller.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "core/json_fields.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

constexpr std::chrono::milliseconds kFrame{20};
// Behind by more than this (a stalled machine), the microphone skips ahead rather than burst.
constexpr std::chrono::milliseconds kMaxLag{200};
constexpr std::size_t kMaxSpeechSamples =
    static_cast<std::size_t>(SimulatedCaller::kMaxSpeechSeconds) * speech::kPipelineRate;

}  // namespace

SimulatedCaller::SimulatedCaller(boost::asio::any_io_executor strand, const Clock& clock,
                                 speech::Voice& voice, json::object voice_config,
                                 speech::SpeechContext context, SimulatedCallerEvents events)
    : strand_(strand),
      clock_(clock),
      voice_(voice),
      voice_config_(std::move(voice_config)),
      context_(std::move(context)),
      events_(std::move(events)),
      timer_(strand, clock) {}

SimulatedCaller::~SimulatedCaller() {
  if (synthesis_) synthesis_->cancel();
}

void SimulatedCaller::start(std::shared_ptr<voice::CallMedia> call) {
  boost::asio::post(strand_, [self = shared_from_this(), call = std::move(call)]() mutable {
    if (self->stopped_) return;
    self->call_ = std::move(call);
    self->origin_ = self->clock_.steady_now();
    self->frames_ = 0;
    self->tick();
  });
}

void SimulatedCaller::say(std::string text) {
  boost::asio::post(strand_, [self = shared_from_this(), text = std::move(text)]() mutable {
    if (self->stopped_) return;
    if (self->queued_.size() >= kMaxQueued)
      return self->fail("the tester said more than " + std::to_string(kMaxQueued) +
                        " things at once");
    self->queued_.push_back(std::move(text));
    if (!self->speaking_) self->next_synthesis();
  });
}

json::object SimulatedCaller::latency() const {
  std::lock_guard lock(latency_mutex_);
  json::object out{{"turnCount", turns_measured_}};
  if (turns_measured_ > 0)
    out["avgTurn"] = static_cast<double>(turn_ms_total_) / static_cast<double>(turns_measured_);
  return out;
}

bool SimulatedCaller::send_audio(std::span<const std::int16_t>) {
  return true;  // the target's words come from its transcripts (send_message)
}

void SimulatedCaller::send_message(const json::object& message) {
  boost::asio::post(strand_,
                    [self = shared_from_this(), message]() mutable { self->heard(message); });
}

void SimulatedCaller::hang_up() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
    if (self->synthesis_) self->synthesis_->cancel();
    self->synthesis_.reset();
    self->call_.reset();  // the call holds this as its transport until it ends
  });
}

// One frame of the microphone: the utterance being said, else silence; then the next tick.
void SimulatedCaller::tick() {
  if (stopped_ || !call_) return;
  std::vector<std::int16_t> frame(speech::kFrameSamples, 0);
  if (played_ < speech_.size()) {
    const auto n = std::min<std::size_t>(frame.size(), speech_.size() - played_);
    std::copy_n(speech_.begin() + static_cast<std::ptrdiff_t>(played_), n, frame.begin());
    played_ += n;
  }
  const auto now = clock_.steady_now();
  if (played_ == speech_.size()) {
    speech_.clear();
    played_ = 0;
    if (speaking_ && !synthesis_) {  // said whole
      speaking_ = false;
      spoke_until_ = now + kFrame;
      next_synthesis();
    }
  }
  call_->customer_audio(std::move(frame));
  ++frames_;
  auto next = origin_ + frames_ * kFrame;
  if (now > next + kMaxLag) {
    origin_ = now;
    frames_ = 0;
    next = now;
  }
  timer_.arm(next, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->tick();
  });
}

void SimulatedCaller::next_synthesis() {
  if (stopped_ || speaking_ || queued_.empty()) return;
  auto text = std::move(queued_.front());
  queued_.pop_front();
  speaking_ = true;
  spoke_until_.reset();
  // Events come from the voice's threads; they run here, on the strand, in order.
  const auto on_strand = [weak = weak_from_this(), strand = strand_](auto f) {
    boost::asio::post(strand, [weak, f = std::move(f)]() mutable {
      if (auto self = weak.lock(); self && !self->stopped_) f(*self);
    });
  };
  speech::VoiceEvents events;
  events.on_audio = [on_strand](std::vector<std::int16_t> pcm) {
    on_strand([pcm = std::move(pcm)](SimulatedCaller& c) {
      if (c.speech_.size() - c.played_ + pcm.size() > kMaxSpeechSamples)
        return c.fail("the tester's utterance is longer than " + std::to_string(kMaxSpeechSeconds) +
                      " s");
      c.speech_.insert(c.speech_.end(), pcm.begin(), pcm.end());
    });
  };
  events.on_done = [on_strand] { on_strand([](SimulatedCaller& c) { c.synthesis_.reset(); }); };
  events.on_failure = [on_strand](speech::SpeechFailure failure) {
    on_strand([failure = std::move(failure)](SimulatedCaller& c) {
      c.synthesis_.reset();
      c.fail("the tester's voice failed: " + failure.message);
    });
  };
  synthesis_ = voice_.synthesize(voice_config_, context_, std::move(text), std::move(events));
}

// A client message of the call.
void SimulatedCaller::heard(const json::object& message) {
  if (stopped_) return;
  const auto type = string_at(message, "type");
  if (string_at(message, "role") != "assistant") return;
  if (type == "transcript" && string_at(message, "transcriptType") == "final") {
    const auto text = string_at(message, "transcript");
    if (words_.size() + text.size() + 1 > kMaxTurnChars) return;
    if (!words_.empty()) words_ += ' ';
    words_ += text;
    return;
  }
  if (type != "speech-update") return;
  const auto status = string_at(message, "status");
  if (status == "started" && spoke_until_) {
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady_now() - *spoke_until_);
    spoke_until_.reset();
    std::lock_guard lock(latency_mutex_);
    ++turns_measured_;
    turn_ms_total_ += std::max<std::int64_t>(0, waited.count());
  } else if (status == "stopped" && events_.on_target_turn) {
    events_.on_target_turn(std::exchange(words_, {}));
  }
}

void SimulatedCaller::fail(std::string message) {
  if (stopped_) return;
  stopped_ = true;  // says nothing more; the runner ends the call
  timer_.cancel();
  if (synthesis_) synthesis_->cancel();
  synthesis_.reset();
  queued_.clear();
  if (events_.on_failure) events_.on_failure(std::move(message));
}

}  // namespace sb::evals
