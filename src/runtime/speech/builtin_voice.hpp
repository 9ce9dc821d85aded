#pragma once
// The built-in voice, provider "vapi" (the default voice): flite, US English. Vapi's voice names
// map onto flite's voices by gender (female → slt; male → rms, awb or kal16); an unknown id
// (a cloned voice, a new name) gets the default, rms. `speed` stretches the durations.
//
// Synthesis runs on the SpeechPool, a sentence at a time, so the first sentence is heard while
// the next is made (flite makes an utterance whole, at 1-4 % of real time); each sentence's
// audio is delivered at 16 kHz in pieces of at most 200 ms, so cancel() takes effect between
// pieces.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/speech/flite_voices.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/speech/speech_pool.hpp"

namespace sb::speech {

/// The flite voice that stands in for a Vapi voice id (case-insensitive).
FliteVoice flite_voice_for(std::string_view voice_id);

/// `text` cut after each sentence's final punctuation (. ! ? ; : followed by a space) and at
/// line breaks; pieces are trimmed and empty ones left out.
std::vector<std::string> split_sentences(std::string_view text);

class BuiltinVoice final : public Voice {
 public:
  explicit BuiltinVoice(SpeechPool& pool) : pool_(pool) {}

  /// Refuses (ApiError 400) any language but English ("auto" passes: it will be English).
  void check(const boost::json::object& config) const override;
  /// When the pool is full, on_failure runs at once, on the caller's thread.
  std::unique_ptr<Synthesis> synthesize(const boost::json::object& config,
                                        const SpeechContext& context, std::string text,
                                        VoiceEvents events) override;

 private:
  SpeechPool& pool_;
};

}  // namespace sb::speech
