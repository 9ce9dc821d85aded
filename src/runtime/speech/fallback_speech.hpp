#pragma once
// A transcriber's and a voice's fallbackPlan (docs: transcriber-fallback-plan,
// voice-fallback-plan): when the provider in use fails, the next config of
// `transcriber.fallbackPlan.transcribers` / `voice.fallbackPlan.voices` takes over, in order,
// and the call goes on; only when every one has failed does the first failure reach the call
// (which then ends with its pipeline-error-* reason).
//
// - Transcriber: the stream in use is replaced at the next frame after its failure (frames
//   come every 20 ms on the call's strand, so the switch happens there, never on the failing
//   adapter's thread); what the customer said during the gap may be lost.
// - Voice: the utterance that failed is spoken again from its start by the next voice (a
//   sentence may be heard twice rather than lost), and the call's later utterances start with
//   the voice that works (SpeechContext::failed_voices).
// `autoFallback` (Vapi picking a provider) is not done: this server only uses the providers a
// team configured.

#include <vector>

#include <boost/json/object.hpp>

#include "runtime/speech/speech.hpp"

namespace sb::speech {

/// The configs to try, in order: `config` itself, then its fallbackPlan's `list`
/// ("transcribers" or "voices"), each an object.
std::vector<boost::json::object> fallback_chain(const boost::json::object& config,
                                                std::string_view list);

/// Decorates `inner` (which routes each config to its adapter).
class FallbackTranscriber final : public Transcriber {
 public:
  explicit FallbackTranscriber(Transcriber& inner) : inner_(inner) {}
  /// Checks every config of the chain.
  void check(const boost::json::object& config) const override;
  std::unique_ptr<TranscriberStream> open(const boost::json::object& config,
                                          const SpeechContext& context,
                                          TranscriberEvents events) override;

 private:
  Transcriber& inner_;
};

class FallbackVoice final : public Voice {
 public:
  explicit FallbackVoice(Voice& inner) : inner_(inner) {}
  void check(const boost::json::object& config) const override;
  std::unique_ptr<Synthesis> synthesize(const boost::json::object& config,
                                        const SpeechContext& context, std::string text,
                                        VoiceEvents events) override;

 private:
  Voice& inner_;
};

}  // namespace sb::speech
