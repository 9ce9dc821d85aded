#include "runtime/speech/fallback_speech.hpp"

#include <atomic>
#include <utility>

#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
#include "runtime/speech/event_gate.hpp"

namespace sb::speech {

namespace json = boost::json;

std::vector<json::object> fallback_chain(const json::object& config, std::string_view list) {
  std::vector<json::object> chain{config};
  if (const auto* plan = object_at(config, "fallbackPlan"))
    if (const auto* configs = plan->if_contains(list); configs && configs->is_array())
      for (const auto& each : configs->get_array())
        if (each.is_object()) chain.push_back(each.get_object());
  return chain;
}

namespace {

// One call's transcription through the chain: the stream in use is replaced on the strand's
// next push after it fails.
class FallbackStream final : public TranscriberStream {
 public:
  FallbackStream(Transcriber& inner, std::vector<json::object> chain, SpeechContext context,
                 TranscriberEvents events)
      : inner_(inner),
        chain_(std::move(chain)),
        context_(std::move(context)),
        events_(std::move(events)) {}
  ~FallbackStream() override { close(); }

  void start() { open(0); }

  void push(std::span<const std::int16_t> customer,
            std::span<const std::int16_t> assistant) override {
    if (closed_) return;
    if (failed_.exchange(false)) {
      current_->close();
      open(++index_);
    }
    current_->push(customer, assistant);
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    current_->close();
  }

 private:
  void open(std::size_t index) {
    TranscriberEvents inner;
    inner.on_transcript = events_.on_transcript;
    inner.on_failure = [this, index](SpeechFailure failure) {
      {
        std::lock_guard lock(mutex_);
        if (!first_failure_) first_failure_ = failure;
      }
      if (index + 1 < chain_.size()) {
        failed_ = true;  // the next push opens the next one
        return;
      }
      SpeechFailure first;
      {
        std::lock_guard lock(mutex_);
        first = *first_failure_;
      }
      if (events_.on_failure) events_.on_failure(std::move(first));
    };
    current_ = inner_.open(chain_[index], context_, std::move(inner));
  }

  Transcriber& inner_;
  const std::vector<json::object> chain_;
  const SpeechContext context_;
  const TranscriberEvents events_;
  std::unique_ptr<TranscriberStream> current_;  // strand only
  std::size_t index_ = 0;                       // strand only
  bool closed_ = false;                         // strand only
  std::atomic<bool> failed_ = false;
  std::mutex mutex_;
  std::optional<SpeechFailure> first_failure_;
};

// One utterance through the chain, skipping the voices that already failed in this call.
class FallbackSynthesis final : public Synthesis {
 public:
  FallbackSynthesis(Voice& inner, std::vector<json::object> chain, const SpeechContext& context,
                    std::string text, VoiceEvents events)
      : inner_(inner),
        chain_(std::move(chain)),
        context_(context),
        text_(std::move(text)),
        events_(std::move(events)) {}
  ~FallbackSynthesis() override { cancel(); }

  void start() { next(); }

  void cancel() override {
    gate_.close();
    std::vector<Synthesis*> attempts;
    {
      std::lock_guard lock(mutex_);
      for (auto& a : attempts_) attempts.push_back(a.get());
    }
    for (auto* a : attempts) a->cancel();
  }

 private:
  // Starts the first voice of the chain that has not failed in this call; with none left, the
  // call's first voice failure ends this utterance.
  void next() {
    auto& failed = *context_.failed_voices;
    const json::object* pick = nullptr;
    std::string key;
    SpeechFailure first;
    {
      std::lock_guard lock(failed.mutex);
      for (const auto& config : chain_) {
        key = json::serialize(config);
        if (!failed.configs.count(key)) {
          pick = &config;
          break;
        }
      }
      if (!pick && failed.first) first = *failed.first;
    }
    if (!pick) {
      gate_.run_last([&] {
        if (events_.on_failure) events_.on_failure(std::move(first));
      });
      return;
    }
    VoiceEvents inner;
    inner.on_audio = [this](std::vector<std::int16_t> pcm) {
      gate_.run([&] {
        if (events_.on_audio) events_.on_audio(std::move(pcm));
      });
    };
    inner.on_done = [this] {
      gate_.run_last([&] {
        if (events_.on_done) events_.on_done();
      });
    };
    inner.on_failure = [this, key](SpeechFailure failure) {
      {
        auto& failed = *context_.failed_voices;
        std::lock_guard lock(failed.mutex);
        failed.configs.insert(key);
        if (!failed.first) failed.first = std::move(failure);
      }
      if (gate_.is_open()) next();
    };
    auto attempt = inner_.synthesize(*pick, context_, text_, std::move(inner));
    Synthesis* started = attempt.get();
    {
      std::lock_guard lock(mutex_);
      attempts_.push_back(std::move(attempt));
    }
    if (!gate_.is_open()) started->cancel();
  }

  Voice& inner_;
  const std::vector<json::object> chain_;
  const SpeechContext context_;  // a copy: a fallback may start after the call's has changed
  const std::string text_;
  const VoiceEvents events_;
  EventGate gate_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Synthesis>> attempts_;  // every one, so cancel() reaches them all
};

}  // namespace

void FallbackTranscriber::check(const json::object& config) const {
  for (const auto& each : fallback_chain(config, "transcribers")) inner_.check(each);
}

std::unique_ptr<TranscriberStream> FallbackTranscriber::open(const json::object& config,
                                                             const SpeechContext& context,
                                                             TranscriberEvents events) {
  auto chain = fallback_chain(config, "transcribers");
  if (chain.size() == 1) return inner_.open(config, context, std::move(events));
  auto stream =
      std::make_unique<FallbackStream>(inner_, std::move(chain), context, std::move(events));
  stream->start();
  return stream;
}

void FallbackVoice::check(const json::object& config) const {
  for (const auto& each : fallback_chain(config, "voices")) inner_.check(each);
}

std::unique_ptr<Synthesis> FallbackVoice::synthesize(const json::object& config,
                                                     const SpeechContext& context, std::string text,
                                                     VoiceEvents events) {
  auto chain = fallback_chain(config, "voices");
  if (chain.size() == 1)
    return inner_.synthesize(config, context, std::move(text), std::move(events));
  auto synthesis = std::make_unique<FallbackSynthesis>(inner_, std::move(chain), context,
                                                       std::move(text), std::move(events));
  synthesis->start();
  return synthesis;
}

}  // namespace sb::speech
