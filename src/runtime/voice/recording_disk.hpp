#pragma once
// The one thread that writes calls' recordings to disk, shared by every live call (the registry
// owns it): a call's strand never touches a file, it hands over filled buffers. The queue is
// bounded in bytes: a buffer beyond the bound is dropped and counted, never waited for, so a
// slow disk costs recordings their audio, not calls their 20 ms frames. A dropped stretch is
// written as silence with the next buffer accepted, so the files stay aligned with the call.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::voice {

/// Where one recording's four files go (16 kHz, 16-bit).
struct RecordingPaths {
  std::string stereo;     ///< customer left (channel 0), assistant right (channel 1)
  std::string mono;       ///< both mixed (summed, clipped)
  std::string customer;   ///< the customer's channel alone
  std::string assistant;  ///< the assistant's channel alone
};

class RecordingDisk {
 public:
  struct Options {
    /// The most bytes of audio waiting to be written, across all calls.
    std::size_t max_queued_bytes = 32u << 20;
  };
  struct Stats {
    std::uint64_t dropped_buffers = 0;
    std::uint64_t dropped_bytes = 0;
    std::uint64_t failed_recordings = 0;  ///< recordings with a file not created or written whole
  };
  using Id = std::uint64_t;

  explicit RecordingDisk(Options options);
  RecordingDisk() : RecordingDisk(Options{}) {}
  /// Does what is queued, finishes every file still open, and joins the thread.
  ~RecordingDisk();
  RecordingDisk(const RecordingDisk&) = delete;
  RecordingDisk& operator=(const RecordingDisk&) = delete;

  /// Queues the creation of a recording's files. Never blocks; any thread.
  Id open(RecordingPaths paths);
  /// Queues interleaved stereo samples (whole frames) for `id`. False when the queue is full:
  /// the buffer is dropped (counted) and its length written as silence later. Never blocks.
  bool write(Id id, std::vector<std::int16_t> stereo);
  /// Queues the finishing of `id`'s files (sizes patched, closed). Never blocks.
  void close(Id id);
  /// Runs `fn` on the disk's thread once everything queued before it has been done (a call's
  /// end is stored only after its files are finished, so its URLs never lead to half a file).
  void after_queued(std::function<void()> fn);

  Stats stats() const;

 private:
  struct Job;
  struct Files;
  void push(Job job);
  void run();
  void perform(Job& job);

  const Options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::size_t queued_bytes_ = 0;
  bool stopping_ = false;
  Id next_id_ = 1;
  std::map<Id, std::uint64_t> lost_frames_;  ///< dropped, not yet written as silence
  Stats stats_;
  std::map<Id, Files> files_;  ///< the disk thread's only
  std::thread thread_;         ///< last: starts once the rest is built
};

}  // namespace sb::voice
