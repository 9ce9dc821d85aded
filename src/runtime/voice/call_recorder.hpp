#pragma once
// A live call's recording (Vapi's artifactPlan.recordingEnabled, on by default): the customer's
// frames as they arrive and the assistant's as they are sent, aligned on the call's clock and
// handed, in buffers of a few hundred milliseconds, to the RecordingDisk, which writes the
// four files (stereo, mono mix, customer, assistant). Strand only; never touches a file.
//
// Alignment. Every sample has a place on the call's timeline (steady time since the call
// started, 16 kHz). Each channel is a queue whose end is the timeline place of its next sample:
// - audio arriving on a channel more than `slack` behind the timeline starts where it arrives
//   (the gap before it is silence); within `slack` it follows on, so network jitter does not
//   punch holes into a continuous stream;
// - the timeline tick pads a channel that has fallen more than `slack` behind with silence, so
//   a silent side (nothing sent) never holds the other back for longer than that;
// - the samples both channels have are handed on; what one channel has beyond the other is held
//   until the other catches up — at most `max_held`: beyond it the oldest held samples are
//   dropped (counted), the rest following on;
// - at the end both channels stop at the timeline's position (audio sent ahead of real time and
//   not yet played when the call ended was not heard, so is not recorded).
//
// The aligned stereo also goes, as it is aligned, to a tap (the call's listeners,
// monitor.listenUrl). A recorder without a disk only aligns, for the tap: a call that is not
// recorded has one while somebody listens.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "runtime/voice/recording_disk.hpp"

namespace sb::calls {
class RecordingStore;
}

namespace sb::voice {

/// What calls need to record: the disk, where the files go, and the server's public URL.
struct RecordingSetup {
  std::shared_ptr<RecordingDisk> disk;
  const calls::RecordingStore* store = nullptr;
  std::function<std::string()> public_url;
};

struct RecorderOptions {
  std::chrono::milliseconds slack{100};
  std::chrono::milliseconds max_held{30'000};
  std::chrono::milliseconds buffer{160};  ///< how much audio goes to the disk at once
};

class CallRecorder {
 public:
  static constexpr int kSampleRate = 16'000;

  /// The recording of a call that started at `started`, or nullptr when the assistant's
  /// artifactPlan.recordingEnabled is false. Its files get fresh capability names in `setup`'s
  /// store; artifact_fields() holds their URLs.
  static std::unique_ptr<CallRecorder> start(const RecordingSetup& setup,
                                             const boost::json::object& assistant,
                                             Clock::SteadyTime started,
                                             RecorderOptions options = {});

  /// Interleaved stereo (customer, assistant), as it is aligned; valid during the call only.
  using Tap = std::function<void(std::span<const std::int16_t> stereo)>;

  /// Records into `paths` through `disk` (none: aligns for the tap only, writes nothing);
  /// `artifact_fields` are what the call's artifact gets.
  CallRecorder(std::shared_ptr<RecordingDisk> disk, RecordingPaths paths, Clock::SteadyTime started,
               boost::json::object artifact_fields, RecorderOptions options = {});
  /// Finishes the files if finish() has not (at the last place the timeline was seen).
  ~CallRecorder();
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;

  /// The customer's audio, arrived at `t`.
  void customer(std::span<const std::int16_t> pcm, Clock::SteadyTime t);
  /// The assistant's audio, sent at `t` (to be played from then on).
  void assistant(std::span<const std::int16_t> pcm, Clock::SteadyTime t);
  /// The timeline reached `t`.
  void tick(Clock::SteadyTime t);
  /// The transport took back what it had not played yet (barge-in): the assistant's audio
  /// beyond `t` was never heard.
  void cut_assistant(Clock::SteadyTime t);
  /// The call ended at `t`: the rest goes to the disk and the files are finished. Idempotent.
  void finish(Clock::SteadyTime t);

  /// From now on the aligned audio also goes to `tap` (none: nowhere).
  void set_tap(Tap tap) { tap_ = std::move(tap); }
  /// Whether it writes files (it has a disk).
  bool recording() const { return disk_ != nullptr; }

  /// Artifact fields: recording {stereoUrl, mono {combinedUrl, assistantUrl, customerUrl}} and
  /// the deprecated recordingUrl, stereoRecordingUrl.
  const boost::json::object& artifact_fields() const { return artifact_fields_; }
  /// Samples dropped because a channel ran more than max_held ahead.
  std::uint64_t dropped_samples() const { return dropped_; }

 private:
  struct Channel {
    std::deque<std::int16_t> held;  ///< from timeline place emitted_ on
    std::size_t end = 0;            ///< timeline place of the next sample
  };
  std::size_t place(Clock::SteadyTime t) const;
  void put(Channel& channel, std::span<const std::int16_t> pcm, Clock::SteadyTime t);
  static void pad_to(Channel& channel, std::size_t place);
  void bound(Channel& channel);
  void emit();
  void hand_over();

  std::shared_ptr<RecordingDisk> disk_;
  RecordingDisk::Id id_;
  Clock::SteadyTime started_;
  boost::json::object artifact_fields_;
  std::size_t slack_, max_held_, buffer_frames_;
  Channel customer_, assistant_;
  std::size_t emitted_ = 0;        ///< timeline samples handed on, on both channels
  std::vector<std::int16_t> out_;  ///< interleaved, not yet handed to the disk
  Tap tap_;
  Clock::SteadyTime last_seen_{};  ///< the latest time the recorder was told
  std::uint64_t dropped_ = 0;
  bool finished_ = false;
};

}  // namespace sb::voice
