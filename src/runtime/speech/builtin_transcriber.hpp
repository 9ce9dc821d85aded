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
// `keywords` (`word` or `word:boost`) bias each final transcript by N-best rescoring
// (keyword_boost.hpp): the shared decoders are not changed (pocketsphinx 5prealpha can bias
// its search only by editing the language model, which every call would see), the utterance's
// 20 best hypotheses are re-ranked with a bonus per keyword. A keyword can win only where the
// decoder heard it as a close alternative; partial transcripts are not biased. Keywords missing
// from the dictionary cannot be recognised at all: they are logged once per call and ignored
// (ps_add_word would change a shared decoder, and a pronunciation would have to be guessed).
// The N-best walk costs 0.4 ms per 3 s utterance, 2-7 ms per 20 s: under 0.3% of decoding.

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
