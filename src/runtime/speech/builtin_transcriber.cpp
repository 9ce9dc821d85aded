#include "runtime/speech/builtin_transcriber.hpp"

#include <deque>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "media/voice_activity.hpp"
#include "runtime/speech/english_only.hpp"
#include "runtime/speech/event_gate.hpp"
#include "runtime/speech/keyword_boost.hpp"

namespace sb::speech {

namespace {

constexpr int kFrameMs = 20;
/// Audio kept from before speech is detected and fed first: the detector flags speech a little
/// after its onset (a soft first consonant), and the recogniser wants some silence before the
/// first word.
constexpr std::size_t kPreRollFrames = 200 / kFrameMs;
/// Consecutive voiced frames that open an utterance: a single voiced frame is often a click.
constexpr int kOnsetFrames = 2;
/// Non-speech that ends an utterance, and with it the customer's turn: longer than the pauses
/// inside a sentence (stop closures and quick breaths, 100-250 ms), short enough that the
/// assistant answers promptly. A call that wants to wait longer has its endpointing plan.
constexpr int kEndSilenceFrames = 300 / kFrameMs;
/// A partial hypothesis this often while the customer speaks.
constexpr int kPartialEveryFrames = 300 / kFrameMs;
/// How long speech waits for a free decoder before it is dropped; it bounds the audio buffered
/// meanwhile (2 s, plus the pre-roll).
constexpr int kMaxWaitFrames = 2000 / kFrameMs;
/// The same while the decoders are still loading in the background.
constexpr int kMaxLoadWaitFrames = 10'000 / kFrameMs;
/// Longer speech is cut into utterances this long (finals without end of turn) on the same
/// decoder, so a monologue or steady noise does not grow one search without bound.
constexpr int kMaxUtteranceFrames = 20'000 / kFrameMs;
/// Hypotheses re-ranked for the keywords at the end of an utterance.
constexpr std::size_t kKeywordAlternatives = 20;

using Frame = std::vector<std::int16_t>;
using Lease = DecoderPool::Lease;
using Counters = BuiltinTranscriber::Counters;

/// What the pool's tasks share with the stream; the tasks of one stream run one at a time (its
/// Serial), so `last_partial` needs no lock.
struct Decoding {
  TranscriberEvents events;
  EventGate gate;
  std::shared_ptr<Counters> counters;
  bool end_of_turn = true;
  std::string last_partial;
  std::string call_id;
  std::vector<Keyword> keywords;
  bool keywords_checked = false;

  void emit(Transcript transcript) {
    gate.run([&] {
      if (events.on_transcript) events.on_transcript(std::move(transcript));
    });
  }
};

/// Once per stream, on its first decoder: keywords the dictionary lacks cannot be recognised
/// (adding words would change a decoder every call shares), so they are logged and left out.
void check_keywords(const SphinxDecoder& decoder, Decoding& decoding) {
  if (std::exchange(decoding.keywords_checked, true) || decoding.keywords.empty()) return;
  const auto unknown = drop_unknown_keywords(
      decoding.keywords, [&](const std::string& word) { return decoder.knows(word); });
  if (unknown.empty()) return;
  std::string names;
  for (const auto& name : unknown) names += (names.empty() ? "\"" : ", \"") + name + "\"";
  spdlog::info(
      "built-in transcriber: call {}: keywords not in the dictionary cannot be recognised, "
      "ignored: {}",
      decoding.call_id, names);
}

void run_start(SphinxDecoder& decoder, Decoding& decoding, const std::vector<Frame>& frames) {
  if (!decoding.gate.is_open()) return;
  check_keywords(decoder, decoding);
  decoder.start();
  decoding.last_partial.clear();
  for (const auto& frame : frames) decoder.process(frame);
}

void run_process(SphinxDecoder& decoder, Decoding& decoding, const Frame& frame,
                 bool report_partial) {
  if (!decoding.gate.is_open()) return;
  decoder.process(frame);
  if (!report_partial) return;
  std::string text = decoder.partial();
  if (text.empty() || text == decoding.last_partial) return;
  decoding.last_partial = text;
  decoding.emit(Transcript{std::move(text), false, false});
}

void run_finish(SphinxDecoder& decoder, Decoding& decoding, bool end_of_turn) {
  if (!decoding.gate.is_open()) return;
  std::string text = decoder.finish();
  if (!decoding.keywords.empty())
    text = choose_transcript(text, decoder.alternatives(kKeywordAlternatives), decoding.keywords);
  decoding.last_partial.clear();
  if (text.empty()) return;  // noise the detector took for speech
  ++decoding.counters->utterances;
  decoding.emit(Transcript{std::move(text), true, end_of_turn && decoding.end_of_turn});
}

class BuiltinStream final : public TranscriberStream {
 public:
  BuiltinStream(SpeechPool& pool, DecoderPool& decoders, std::shared_ptr<Counters> counters,
                TranscriberEvents events, bool end_of_turn, std::string call_id,
                std::vector<Keyword> keywords)
      : decoders_(decoders), serial_(pool.serial()), decoding_(std::make_shared<Decoding>()) {
    decoding_->events = std::move(events);
    decoding_->counters = std::move(counters);
    decoding_->end_of_turn = end_of_turn;
    decoding_->call_id = std::move(call_id);
    decoding_->keywords = std::move(keywords);
  }
  ~BuiltinStream() override { close(); }

  void push(std::span<const std::int16_t> customer, std::span<const std::int16_t>) override {
    if (closed_) return;
    const bool voiced = vad_.is_speech(customer);
    Frame frame(customer.begin(), customer.end());
    switch (phase_) {
      case Phase::kIdle:
        idle(std::move(frame), voiced);
        break;
      case Phase::kWaiting:
        waiting(std::move(frame), voiced);
        break;
      case Phase::kDecoding:
        decoding(std::move(frame), voiced);
        break;
      case Phase::kDropping:
        if (count_silence(voiced) >= kEndSilenceFrames) phase_ = Phase::kIdle;
        break;
    }
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    decoding_->gate.close();
    // Tasks still queued skip their work; the decoder goes back when the last of them is done
    // (an utterance left open is ended by its next user).
    lease_.reset();
    backlog_.clear();
    preroll_.clear();
  }

 private:
  enum class Phase {
    kIdle,      ///< listening for speech, keeping the pre-roll
    kWaiting,   ///< speech, no decoder yet: buffering (bounded)
    kDecoding,  ///< speech going to the decoder
    kDropping,  ///< speech given up on: waiting for its end
  };

  int count_silence(bool voiced) { return silence_run_ = voiced ? 0 : silence_run_ + 1; }

  void idle(Frame frame, bool voiced) {
    preroll_.push_back(std::move(frame));
    if (preroll_.size() > kPreRollFrames) preroll_.pop_front();
    onset_ = voiced ? onset_ + 1 : 0;
    if (onset_ >= kOnsetFrames) begin_utterance();
  }

  void begin_utterance() {
    onset_ = 0;
    silence_run_ = 0;
    std::vector<Frame> frames(std::make_move_iterator(preroll_.begin()),
                              std::make_move_iterator(preroll_.end()));
    preroll_.clear();
    lease_ = decoders_.try_claim();
    if (lease_) {
      start_decoding(std::move(frames));
      return;
    }
    backlog_ = std::move(frames);
    waited_ = 0;
    speech_ended_ = false;
    phase_ = Phase::kWaiting;
  }

  void waiting(Frame frame, bool voiced) {
    ++waited_;
    if (!speech_ended_) {
      backlog_.push_back(std::move(frame));
      speech_ended_ = count_silence(voiced) >= kEndSilenceFrames;
    }
    lease_ = decoders_.try_claim();
    if (lease_) {
      if (start_decoding(std::exchange(backlog_, {})) && speech_ended_) end_utterance(true);
      return;
    }
    // The first calls after start-up wait for the decoders being loaded (a second or two).
    if (waited_ >= (decoders_.loading() ? kMaxLoadWaitFrames : kMaxWaitFrames)) {
      drop_utterance("no decoder was free for 2 s");
      if (speech_ended_) phase_ = Phase::kIdle;
    }
  }

  void decoding(Frame frame, bool voiced) {
    const bool ended = count_silence(voiced) >= kEndSilenceFrames;
    ++utterance_frames_;
    const bool report_partial = ++since_partial_ >= kPartialEveryFrames;
    if (report_partial) since_partial_ = 0;
    if (!serial_.post(
            [lease = lease_, decoding = decoding_, frame = std::move(frame), report_partial] {
              run_process(*lease, *decoding, frame, report_partial);
            })) {
      ++decoding_->counters->lost_frames;
    }
    if (ended) {
      end_utterance(true);
    } else if (utterance_frames_ >= kMaxUtteranceFrames) {
      cut_utterance();
    }
  }

  /// Posts the start of an utterance on lease_ with `frames`; false (the utterance dropped)
  /// when the pool refuses.
  bool start_decoding(std::vector<Frame> frames) {
    utterance_frames_ = static_cast<int>(frames.size());
    since_partial_ = 0;
    if (!serial_.post([lease = lease_, decoding = decoding_, frames = std::move(frames)] {
          run_start(*lease, *decoding, frames);
        })) {
      drop_utterance("the speech pool is full");
      return false;
    }
    phase_ = Phase::kDecoding;
    return true;
  }

  /// Posts the end of the utterance; the decoder goes back to the pool after it.
  void end_utterance(bool end_of_turn) {
    post_finish(end_of_turn);
    lease_.reset();
    phase_ = Phase::kIdle;
    silence_run_ = 0;
  }

  /// A final for what was said so far, and a new utterance on the same decoder.
  void cut_utterance() {
    post_finish(false);
    start_decoding({});
  }

  void post_finish(bool end_of_turn) {
    if (!serial_.post([lease = lease_, decoding = decoding_, end_of_turn] {
          run_finish(*lease, *decoding, end_of_turn);
        })) {
      ++decoding_->counters->dropped_utterances;
      spdlog::warn(
          "built-in transcriber: call {}: an utterance's end was dropped (the speech "
          "pool is full)",
          decoding_->call_id);
    }
  }

  void drop_utterance(const char* why) {
    ++decoding_->counters->dropped_utterances;
    spdlog::warn("built-in transcriber: call {}: an utterance was dropped: {}", decoding_->call_id,
                 why);
    lease_.reset();
    backlog_.clear();
    phase_ = Phase::kDropping;
  }

  DecoderPool& decoders_;
  SpeechPool::Serial serial_;
  std::shared_ptr<Decoding> decoding_;
  media::VoiceActivity vad_{kPipelineRate};
  Phase phase_ = Phase::kIdle;
  bool closed_ = false;
  std::deque<Frame> preroll_;
  std::vector<Frame> backlog_;
  Lease lease_;
  int onset_ = 0;
  int silence_run_ = 0;
  int waited_ = 0;
  bool speech_ended_ = false;
  int utterance_frames_ = 0;
  int since_partial_ = 0;
};

}  // namespace

BuiltinTranscriber::BuiltinTranscriber(SpeechPool& pool, BuiltinTranscriberOptions options)
    : pool_(pool),
      decoders_(options.model_dir, options.decoders, options.load_threads,
                options.load_on_first_use ? DecoderPool::Loading::kOnFirstUse
                                          : DecoderPool::Loading::kNow) {}

void BuiltinTranscriber::check(const boost::json::object& config) const {
  require_english(config, "transcriber", "built-in transcriber (provider \"vapi\")");
  // A call that will use the decoders is on its way: load them now, before its caller speaks.
  decoders_.start_loading();
}

std::unique_ptr<TranscriberStream> BuiltinTranscriber::open(const boost::json::object& config,
                                                            const SpeechContext& context,
                                                            TranscriberEvents events) {
  // "manual" turn-taking: the call waits its own end-of-turn delay, so finals claim no turn end.
  const bool end_of_turn = string_at(config, "turnTaking") != "manual";
  decoders_.start_loading();
  return std::make_unique<BuiltinStream>(pool_, decoders_, counters_, std::move(events),
                                         end_of_turn, context.call_id, parse_keywords(config));
}

BuiltinTranscriber::Stats BuiltinTranscriber::stats() const {
  return {counters_->utterances.load(), counters_->dropped_utterances.load(),
          counters_->lost_frames.load()};
}

}  // namespace sb::speech
