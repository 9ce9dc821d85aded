#pragma once
// pocketsphinx (Debian's 5prealpha) behind a small interface, so sphinx_decoder.cpp is the one
// file compiled with its headers. A decoder is expensive (1-1.7 s and 91 MB to load the
// acoustic model, the language model and the dictionary), so decoders are loaded once at
// start-up and lent out by a DecoderPool, one utterance at a time.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "runtime/speech/keyword_boost.hpp"

namespace sb::speech {

/// Debian's pocketsphinx-en-us: en-us/ (acoustic model), en-us.lm.bin, cmudict-en-us.dict.
inline constexpr const char* kDefaultSphinxModel = "/usr/share/pocketsphinx/model/en-us";

/// One pocketsphinx decoder on 16 kHz mono PCM. Not thread-safe: one user at a time.
class SphinxDecoder {
 public:
  /// Loads the model in `model_dir` (laid out as Debian's). Throws std::runtime_error naming
  /// what is missing or failed.
  explicit SphinxDecoder(const std::string& model_dir);
  ~SphinxDecoder();
  SphinxDecoder(const SphinxDecoder&) = delete;
  SphinxDecoder& operator=(const SphinxDecoder&) = delete;

  /// Starts an utterance; one left open by a previous user is ended (and forgotten) first.
  void start();
  void process(std::span<const std::int16_t> pcm);
  /// The best hypothesis so far ("" when none).
  std::string partial();
  /// Ends the utterance: its final hypothesis ("" when nothing was recognised).
  std::string finish();
  /// After finish(): up to `limit` of the utterance's best hypotheses, best first as the
  /// N-best search finds them (a reading may repeat, with other silences). 20 of them take
  /// 0.4 ms for 3 s of speech and 2-7 ms for 20 s (ASan build), against 0.25 and 2.8 s to
  /// decode that speech: under 0.3% more.
  std::vector<Hypothesis> alternatives(std::size_t limit);
  /// Whether `word` (lower case) is in the dictionary, i.e. can be recognised at all.
  bool knows(const std::string& word) const;
  bool in_utterance() const { return in_utterance_; }

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  bool in_utterance_ = false;
};

/// Throws std::runtime_error when a file of the model is missing, naming it: the start-up
/// check, cheaper than loading a decoder.
void check_sphinx_model(const std::string& model_dir);

/// The decoders the built-in transcriber lends to utterances. Thread-safe.
class DecoderPool {
 public:
  /// A decoder on loan: it goes back to the pool when the last copy is dropped (or is freed,
  /// if the pool is gone). Copyable so tasks (std::function) can carry it.
  using Lease = std::shared_ptr<SphinxDecoder>;

  /// When the decoders are loaded: all of them before the constructor returns, or in the
  /// background from the first start_loading() on (a server whose calls never use the built-in
  /// transcriber never pays the second and 91 MB each costs).
  enum class Loading { kNow, kOnFirstUse };

  /// Loads `count` decoders, in parallel on up to `load_threads` threads. Throws
  /// std::runtime_error when the model is missing or (kNow) a decoder fails to load; a
  /// background load that fails is logged, and the pool stays with what it has.
  DecoderPool(const std::string& model_dir, std::size_t count, unsigned load_threads = 2,
              Loading loading = Loading::kNow);
  ~DecoderPool();
  DecoderPool(const DecoderPool&) = delete;
  DecoderPool& operator=(const DecoderPool&) = delete;

  /// Starts the background load (kOnFirstUse); idempotent, returns at once.
  void start_loading();
  /// A free decoder, or null when all are lent out (or not loaded yet).
  Lease try_claim();
  std::size_t size() const { return size_; }
  std::size_t available() const;
  /// True while a background load runs (speech may wait longer for a decoder then).
  bool loading() const { return loading_now_.load(); }

 private:
  struct Shelf;
  std::string model_dir_;
  std::size_t size_;
  unsigned load_threads_;
  std::shared_ptr<Shelf> shelf_;
  std::once_flag loading_;
  std::atomic<bool> loading_now_{false};
  std::thread loader_;
};

}  // namespace sb::speech
