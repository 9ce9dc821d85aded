#include "runtime/speech/sphinx_decoder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/err.h>

namespace sb::speech {

namespace {

std::string model_file(const std::string& dir, const char* name) {
  return dir + "/" + name;
}

/// The configuration measured on this project's machines: real-time factor 0.12-0.2 instead
/// of 0.3-0.7 with the defaults, at a small cost in accuracy. `-ds 2` scores every other
/// frame, `-maxhmmpf` caps the active HMMs per frame, `-pl_window` looks ahead to prune
/// phones.
cmd_ln_t* decoder_config(const std::string& dir) {
  const std::string hmm = model_file(dir, "en-us");
  const std::string lm = model_file(dir, "en-us.lm.bin");
  const std::string dict = model_file(dir, "cmudict-en-us.dict");
  return cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                     dict.c_str(), "-samprate", "16000", "-ds", "2", "-maxhmmpf", "3000",
                     "-pl_window", "5", nullptr);
}

}  // namespace

void check_sphinx_model(const std::string& dir) {
  for (const char* name : {"en-us", "en-us.lm.bin", "cmudict-en-us.dict"}) {
    const std::string path = model_file(dir, name);
    if (!std::filesystem::exists(path)) {
      throw std::runtime_error("the built-in transcriber's model is missing " + path +
                               " (Debian: apt-get install pocketsphinx-en-us)");
    }
  }
}

struct SphinxDecoder::Handle {
  ps_decoder_t* decoder = nullptr;
  ~Handle() {
    if (decoder != nullptr) ps_free(decoder);
  }
};

// pocketsphinx logs every utterance at length to stderr: its log is turned off, once, for the
// process. Not per decoder with -logfn: each ps_init given one closes the process-wide log file
// and opens another, and decoders loading on two threads then write to a closed FILE.
namespace {
void silence_sphinx_log() {
  static std::once_flag once;
  std::call_once(once, [] { err_set_logfp(nullptr); });
}
}  // namespace

SphinxDecoder::SphinxDecoder(const std::string& model_dir) : handle_(std::make_unique<Handle>()) {
  check_sphinx_model(model_dir);
  silence_sphinx_log();
  cmd_ln_t* config = decoder_config(model_dir);
  if (config == nullptr) throw std::runtime_error("pocketsphinx refused its configuration");
  handle_->decoder = ps_init(config);
  cmd_ln_free_r(config);  // the decoder holds its own reference
  if (handle_->decoder == nullptr) {
    throw std::runtime_error("pocketsphinx could not load the model in " + model_dir);
  }
}

SphinxDecoder::~SphinxDecoder() = default;

void SphinxDecoder::start() {
  if (in_utterance_) ps_end_utt(handle_->decoder);
  in_utterance_ = ps_start_utt(handle_->decoder) == 0;
}

void SphinxDecoder::process(std::span<const std::int16_t> pcm) {
  if (!in_utterance_ || pcm.empty()) return;
  ps_process_raw(handle_->decoder, pcm.data(), pcm.size(), FALSE, FALSE);
}

std::string SphinxDecoder::partial() {
  const char* hyp = ps_get_hyp(handle_->decoder, nullptr);
  return hyp == nullptr ? std::string() : std::string(hyp);
}

std::string SphinxDecoder::finish() {
  if (!in_utterance_) return {};
  ps_end_utt(handle_->decoder);
  in_utterance_ = false;
  return partial();
}

std::vector<Hypothesis> SphinxDecoder::alternatives(std::size_t limit) {
  std::vector<Hypothesis> out;
  if (in_utterance_) return out;
  ps_nbest_t* nbest = ps_nbest(handle_->decoder);
  for (; nbest != nullptr && out.size() < limit; nbest = ps_nbest_next(nbest)) {
    int32 score = 0;
    if (const char* hyp = ps_nbest_hyp(nbest, &score); hyp != nullptr) out.push_back({hyp, score});
  }
  if (nbest != nullptr) ps_nbest_free(nbest);  // ps_nbest_next frees it at the end of the list
  return out;
}

bool SphinxDecoder::knows(const std::string& word) const {
  char* phones = ps_lookup_word(handle_->decoder, word.c_str());
  if (phones == nullptr) return false;
  ckd_free(phones);
  return true;
}

/// The free decoders. Leases hold the shelf, so a decoder returned after the pool is gone
/// finds `closed` and is freed instead.
struct DecoderPool::Shelf {
  std::mutex mutex;
  std::vector<std::unique_ptr<SphinxDecoder>> free;
  bool closed = false;

  void put_back(SphinxDecoder* decoder) {
    std::unique_ptr<SphinxDecoder> owned(decoder);
    std::lock_guard lock(mutex);
    if (!closed) free.push_back(std::move(owned));
  }
};

namespace {

// Loads `count` decoders on up to `threads` threads, handing each to `ready` as it is done.
// Returns the first failure (the others still load).
std::exception_ptr load_decoders(const std::string& model_dir, std::size_t count, unsigned threads,
                                 const std::function<void(std::unique_ptr<SphinxDecoder>)>& ready) {
  std::atomic<std::size_t> next = 0;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto load = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        ready(std::make_unique<SphinxDecoder>(model_dir));
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> loaders;
  const std::size_t n = std::min<std::size_t>(std::max(threads, 1u), count);
  for (std::size_t i = 0; i < n; ++i) loaders.emplace_back(load);
  for (auto& loader : loaders) loader.join();
  return failure;
}

}  // namespace

DecoderPool::DecoderPool(const std::string& model_dir, std::size_t count, unsigned load_threads,
                         Loading loading)
    : model_dir_(model_dir),
      size_(count),
      load_threads_(load_threads),
      shelf_(std::make_shared<Shelf>()) {
  check_sphinx_model(model_dir);
  if (loading == Loading::kOnFirstUse) return;
  std::call_once(loading_, [] {});
  auto shelf = shelf_;
  if (auto failure =
          load_decoders(model_dir, count, load_threads, [&shelf](std::unique_ptr<SphinxDecoder> d) {
            std::lock_guard lock(shelf->mutex);
            shelf->free.push_back(std::move(d));
          }))
    std::rethrow_exception(failure);
}

void DecoderPool::start_loading() {
  std::call_once(loading_, [this] {
    // What loading() reports, so the first speech waits for the decoders being loaded (the
    // destructor joins the loader, so it may write the flag).
    loading_now_ = true;
    loader_ = std::thread([dir = model_dir_, count = size_, threads = load_threads_, shelf = shelf_,
                           &loading_now = loading_now_] {
      const auto failure =
          load_decoders(dir, count, threads, [&shelf](std::unique_ptr<SphinxDecoder> d) {
            std::lock_guard lock(shelf->mutex);
            if (!shelf->closed) shelf->free.push_back(std::move(d));
          });
      loading_now = false;
      if (!failure) return;
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        spdlog::error("built-in transcriber: a decoder failed to load: {}", e.what());
      }
    });
  });
}

DecoderPool::~DecoderPool() {
  std::vector<std::unique_ptr<SphinxDecoder>> free;
  {
    std::lock_guard lock(shelf_->mutex);
    shelf_->closed = true;
    free.swap(shelf_->free);
  }
  // A load in progress cannot be cut short; it takes about a second.
  if (loader_.joinable()) loader_.join();
}

DecoderPool::Lease DecoderPool::try_claim() {
  std::unique_ptr<SphinxDecoder> decoder;
  {
    std::lock_guard lock(shelf_->mutex);
    if (shelf_->free.empty()) return nullptr;
    decoder = std::move(shelf_->free.back());
    shelf_->free.pop_back();
  }
  return Lease(decoder.release(),
               [shelf = shelf_](SphinxDecoder* returned) { shelf->put_back(returned); });
}

std::size_t DecoderPool::available() const {
  std::lock_guard lock(shelf_->mutex);
  return shelf_->free.size();
}

}  // namespace sb::speech
