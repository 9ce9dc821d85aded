#pragma once
// The built-in transcriber, provider "vapi" (and the one used when an assistant names none):
// pocketsphinx on the customer's channel, US English only.
//
// Decoders are few and expensive, so a stream holds one only while the customer speaks: WebRTC's
// voice detector (cheap enough to run inline in push(): a few microseconds a frame) segments the
// audio; speech claims a decoder and opens an utterance with the audio just before it; its frames
// are decoded on the SpeechPool, in order, on the stream's Serial; a pause ends the utterance with
// a final transcript (end_of_turn) and gives the decoder back. Partial hypotheses come every
// ~300 ms of speech. When no decoder is free, a stream waits for one up to 2 s (buffering that
// audio) and then drops the utterance, counted and logged.
//
// `keywords` are accepted and not used: pocketsphinx 5prealpha can bias only by changing the
// language model or switching the decoder to keyword spotting, and its decoders are shared by
// all calls (an edit would have to be undone after each utterance, reloading the search).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/speech/speech.hpp"
#include "runtime/speech/speech_pool.hpp"
#include "runtime/speech/sphinx_decoder.hpp"

namespace sb::speech {

/// What the app loads per SpeechPool thread. Memory binds before CPU: a decoder is 91 MB,
/// and one thread decodes speech fed in real time at 0.14-0.26 of real time (partials
/// included; bench/speech_rtf), i.e. keeps up with 4-7 customers speaking at once, while a
/// decoder is held only while its customer
/// speaks. Two per thread leaves that thread room for synthesis; raise it where memory allows.
inline constexpr std::size_t kDecodersPerPoolThread = 2;

struct BuiltinTranscriberOptions {
  std::string model_dir = kDefaultSphinxModel;
  /// Decoders loaded at start-up (91 MB and about a second each; the app passes
  /// kDecodersPerPoolThread × the pool's threads); 0 loads none (every utterance is then
  /// dropped: for tests of what surrounds the engine).
  std::size_t decoders = 2;
  /// Threads loading them (1.7 s each).
  unsigned load_threads = 2;
  /// Load them in the background when the first stream opens instead of in the constructor
  /// (the server: its start stays fast, and costs nothing when no call uses this engine).
  bool load_on_first_use = false;
};

class BuiltinTranscriber final : public Transcriber {
 public:
  /// Loads the decoders. Throws std::runtime_error when the model is missing or fails to load.
  BuiltinTranscriber(SpeechPool& pool, BuiltinTranscriberOptions options = {});

  /// Refuses (ApiError 400) any language but English.
  void check(const boost::json::object& config) const override;
  /// push() and close() are called on one strand (never at once). Streams are closed before
  /// the transcriber is destroyed.
  std::unique_ptr<TranscriberStream> open(const boost::json::object& config,
                                          const SpeechContext& context,
                                          TranscriberEvents events) override;

  struct Stats {
    std::uint64_t utterances = 0;          ///< ended with a final transcript
    std::uint64_t dropped_utterances = 0;  ///< no decoder within the wait, or the pool was full
    std::uint64_t lost_frames = 0;         ///< frames the pool refused mid-utterance
  };
  Stats stats() const;
  const DecoderPool& decoders() const { return decoders_; }

  struct Counters {
    std::atomic<std::uint64_t> utterances = 0;
    std::atomic<std::uint64_t> dropped_utterances = 0;
    std::atomic<std::uint64_t> lost_frames = 0;
  };

 private:
  SpeechPool& pool_;
  mutable DecoderPool decoders_;  ///< check() starts loading them
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
};

}  // namespace sb::speech
