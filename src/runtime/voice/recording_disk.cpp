#include "runtime/voice/recording_disk.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <span>

#include "media/wav.hpp"

namespace sb::voice {
namespace {

constexpr int kRate = 16'000;

std::unique_ptr<media::WavWriter> create(const std::string& path, int channels) {
  try {
    return std::make_unique<media::WavWriter>(path, media::WavFormat{kRate, channels});
  } catch (const std::exception& e) {
    spdlog::error("recording: {}", e.what());
    return nullptr;
  }
}

std::int16_t clip(int v) {
  return static_cast<std::int16_t>(std::clamp(v, int{std::numeric_limits<std::int16_t>::min()},
                                              int{std::numeric_limits<std::int16_t>::max()}));
}

}  // namespace

struct RecordingDisk::Job {
  enum class Kind { kOpen, kWrite, kClose, kCall } kind = Kind::kCall;
  Id id = 0;
  RecordingPaths paths;
  std::vector<std::int16_t> stereo;
  std::uint64_t gap_frames = 0;  ///< silence to write first (dropped buffers)
  std::function<void()> fn;
};

struct RecordingDisk::Files {
  std::unique_ptr<media::WavWriter> stereo, mono, customer, assistant;

  void write(std::span<const std::int16_t> interleaved) {
    const std::size_t frames = interleaved.size() / 2;
    if (frames == 0) return;
    std::vector<std::int16_t> mix(frames), left(frames), right(frames);
    for (std::size_t i = 0; i < frames; ++i) {
      left[i] = interleaved[2 * i];
      right[i] = interleaved[2 * i + 1];
      mix[i] = clip(int{left[i]} + int{right[i]});
    }
    if (stereo) stereo->write(interleaved.first(frames * 2));
    if (mono) mono->write(mix);
    if (customer) customer->write(left);
    if (assistant) assistant->write(right);
  }
  void silence(std::uint64_t frames) {
    static const std::vector<std::int16_t> kZeros(2 * kRate / 10, 0);  // 100 ms of stereo
    while (frames > 0) {
      const auto n = std::min<std::uint64_t>(frames, kZeros.size() / 2);
      write(std::span<const std::int16_t>(kZeros.data(), n * 2));
      frames -= n;
    }
  }
  /// Finishes the files; false when any of them failed.
  bool finish() {
    bool ok = true;
    for (auto* w : {&stereo, &mono, &customer, &assistant}) ok = (*w && (*w)->finish()) && ok;
    return ok;
  }
};

RecordingDisk::RecordingDisk(Options options) : options_(options), thread_([this] { run(); }) {}

RecordingDisk::~RecordingDisk() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  for (auto& [id, files] : files_) files.finish();
}

RecordingDisk::Id RecordingDisk::open(RecordingPaths paths) {
  Job job;
  job.kind = Job::Kind::kOpen;
  job.paths = std::move(paths);
  {
    std::lock_guard lock(mutex_);
    job.id = next_id_++;
  }
  const auto id = job.id;
  push(std::move(job));
  return id;
}

bool RecordingDisk::write(Id id, std::vector<std::int16_t> stereo) {
  const std::size_t bytes = stereo.size() * sizeof(std::int16_t);
  {
    std::lock_guard lock(mutex_);
    if (queued_bytes_ + bytes > options_.max_queued_bytes) {
      ++stats_.dropped_buffers;
      stats_.dropped_bytes += bytes;
      lost_frames_[id] += stereo.size() / 2;
      return false;
    }
  }
  Job job;
  job.kind = Job::Kind::kWrite;
  job.id = id;
  job.stereo = std::move(stereo);
  push(std::move(job));
  return true;
}

void RecordingDisk::close(Id id) {
  Job job;
  job.kind = Job::Kind::kClose;
  job.id = id;
  push(std::move(job));
}

void RecordingDisk::after_queued(std::function<void()> fn) {
  Job job;
  job.kind = Job::Kind::kCall;
  job.fn = std::move(fn);
  push(std::move(job));
}

RecordingDisk::Stats RecordingDisk::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void RecordingDisk::push(Job job) {
  {
    std::lock_guard lock(mutex_);
    // What was dropped of this recording goes before the next audio, or before its end.
    if (job.kind == Job::Kind::kWrite || job.kind == Job::Kind::kClose) {
      if (const auto it = lost_frames_.find(job.id); it != lost_frames_.end()) {
        job.gap_frames = it->second;
        lost_frames_.erase(it);
      }
    }
    queued_bytes_ += job.stereo.size() * sizeof(std::int16_t);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void RecordingDisk::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is done
    auto job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    perform(job);
    lock.lock();
    queued_bytes_ -= job.stereo.size() * sizeof(std::int16_t);
  }
}

void RecordingDisk::perform(Job& job) {
  switch (job.kind) {
    case Job::Kind::kOpen: {
      Files files{create(job.paths.stereo, 2), create(job.paths.mono, 1),
                  create(job.paths.customer, 1), create(job.paths.assistant, 1)};
      files_.emplace(job.id, std::move(files));
      return;
    }
    case Job::Kind::kWrite:
    case Job::Kind::kClose: {
      const auto it = files_.find(job.id);
      if (it == files_.end()) return;
      it->second.silence(job.gap_frames);
      it->second.write(job.stereo);
      if (job.kind == Job::Kind::kWrite) return;
      if (!it->second.finish()) {
        std::lock_guard lock(mutex_);
        ++stats_.failed_recordings;
      }
      files_.erase(it);
      return;
    }
    case Job::Kind::kCall:
      try {
        job.fn();
      } catch (const std::exception& e) {
        spdlog::error("recording: {}", e.what());
      }
      return;
  }
}

}  // namespace sb::voice
