#include "runtime/speech/builtin_voice.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <optional>
#include <utility>

#include "core/json_fields.hpp"
#include "media/resampler.hpp"
#include "runtime/speech/english_only.hpp"
#include "runtime/speech/event_gate.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-vapi-voice-failed";
/// The largest piece of audio delivered at once: how far cancel() may lag behind.
constexpr std::size_t kPieceSamples = kPipelineRate / 5;

struct NamedVoice {
  std::string_view id;
  FliteVoice voice;
};

/// Vapi's voices (docs: providers/voice/vapi-voices, its legacy list included) by gender; the
/// male ones spread over flite's three male voices so two assistants can sound different.
constexpr std::array kVoices = {
    NamedVoice{"elliot", FliteVoice::kRms},  NamedVoice{"rohan", FliteVoice::kAwb},
    NamedVoice{"nico", FliteVoice::kKal16},  NamedVoice{"kai", FliteVoice::kRms},
    NamedVoice{"sagar", FliteVoice::kAwb},   NamedVoice{"godfrey", FliteVoice::kKal16},
    NamedVoice{"neil", FliteVoice::kAwb},    NamedVoice{"sid", FliteVoice::kRms},
    NamedVoice{"cole", FliteVoice::kKal16},  NamedVoice{"harry", FliteVoice::kAwb},
    NamedVoice{"spencer", FliteVoice::kRms}, NamedVoice{"savannah", FliteVoice::kSlt},
    NamedVoice{"emma", FliteVoice::kSlt},    NamedVoice{"clara", FliteVoice::kSlt},
    NamedVoice{"layla", FliteVoice::kSlt},   NamedVoice{"naina", FliteVoice::kSlt},
    NamedVoice{"lily", FliteVoice::kSlt},    NamedVoice{"hana", FliteVoice::kSlt},
    NamedVoice{"neha", FliteVoice::kSlt},    NamedVoice{"paige", FliteVoice::kSlt},
    NamedVoice{"kylie", FliteVoice::kSlt},
};
constexpr FliteVoice kDefaultVoice = FliteVoice::kRms;  // Elliot's: Vapi's default voice

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trimmed(std::string_view text) {
  const auto blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

/// The speed multiplier within Vapi's bounds; 1 when absent.
double speed_of(const boost::json::object& config) {
  const auto* speed = config.if_contains("speed");
  if (speed == nullptr || !speed->is_number()) return 1.0;
  return std::clamp(speed->to_number<double>(), 0.25, 2.0);
}

struct Job {
  VoiceEvents events;
  EventGate gate;
  FliteVoice voice = kDefaultVoice;
  double speed = 1.0;
  std::string text;

  void fail(std::string message) {
    gate.run_last([&] {
      if (events.on_failure) events.on_failure(SpeechFailure{kFailed, std::move(message)});
    });
  }
  /// False once cancelled.
  bool deliver(std::span<const std::int16_t> pcm) {
    for (std::size_t at = 0; at < pcm.size(); at += kPieceSamples) {
      const auto piece = pcm.subspan(at, std::min(kPieceSamples, pcm.size() - at));
      const bool open = gate.run([&] {
        if (events.on_audio) events.on_audio(std::vector<std::int16_t>(piece.begin(), piece.end()));
      });
      if (!open) return false;
    }
    return true;
  }
  void run();
};

void Job::run() {
  try {
    std::optional<media::Resampler> resampler;
    for (const auto& sentence : split_sentences(text)) {
      if (!gate.is_open()) return;
      FlitePcm pcm = flite_synthesize(voice, sentence, speed);
      if (pcm.sample_rate != kPipelineRate && !pcm.samples.empty()) {
        if (!resampler || resampler->in_rate() != pcm.sample_rate) {
          resampler.emplace(pcm.sample_rate, kPipelineRate);
        }
        std::vector<std::int16_t> converted;
        resampler->process(pcm.samples, converted);
        pcm.samples = std::move(converted);
      }
      if (!deliver(pcm.samples)) return;
    }
  } catch (const std::exception& e) {
    fail(std::string("the built-in voice failed: ") + e.what());
    return;
  }
  gate.run_last([&] {
    if (events.on_done) events.on_done();
  });
}

class BuiltinSynthesis final : public Synthesis {
 public:
  explicit BuiltinSynthesis(std::shared_ptr<Job> job) : job_(std::move(job)) {}
  ~BuiltinSynthesis() override { cancel(); }
  void cancel() override { job_->gate.close(); }

 private:
  std::shared_ptr<Job> job_;
};

}  // namespace

FliteVoice flite_voice_for(std::string_view voice_id) {
  const std::string id = lowercase(voice_id);
  for (const auto& named : kVoices) {
    if (named.id == id) return named.voice;
  }
  return kDefaultVoice;
}

std::vector<std::string> split_sentences(std::string_view text) {
  std::vector<std::string> sentences;
  std::size_t start = 0;
  const auto cut = [&](std::size_t end) {
    if (auto piece = trimmed(text.substr(start, end - start)); !piece.empty()) {
      sentences.emplace_back(piece);
    }
    start = end;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool closes = c == '.' || c == '!' || c == '?' || c == ';' || c == ':';
    const bool followed_by_space =
        i + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[i + 1])) != 0;
    if (c == '\n' || (closes && followed_by_space)) cut(i + 1);
  }
  cut(text.size());
  return sentences;
}

void BuiltinVoice::check(const boost::json::object& config) const {
  require_english(config, "voice", "built-in voice (provider \"vapi\")", "auto");
}

std::unique_ptr<Synthesis> BuiltinVoice::synthesize(const boost::json::object& config,
                                                    const SpeechContext&, std::string text,
                                                    VoiceEvents events) {
  auto job = std::make_shared<Job>();
  job->events = std::move(events);
  job->voice = flite_voice_for(string_at(config, "voiceId"));
  job->speed = speed_of(config);
  job->text = std::move(text);
  if (!pool_.post([job] { job->run(); })) {
    job->fail("the speech pool is full");
  }
  return std::make_unique<BuiltinSynthesis>(std::move(job));
}

}  // namespace sb::speech
