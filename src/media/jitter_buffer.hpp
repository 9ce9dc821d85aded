#pragma once
// The receive side of an RTP stream: packets come in any order, some twice, some never, some
// after their time; the consumer pulls one 20 ms frame per 20 ms. Frames are put back in
// sequence order and played `playout_delay` frames after the first one arrives, so a packet up
// to that much late still finds its place. Contracts:
// - one packet carries one frame (we answer with ptime 20);
// - a frame not there when its turn comes is lost: pull() returns nullopt and the consumer
//   plays silence (zeros, not a repeat of the last frame: a repeated syllable misleads speech
//   recognition more than a 20 ms hole); a packet for it arriving later is dropped as late;
// - when the buffer runs empty playout stops and starts over after the delay (the peer paused);
// - capacity bounds both memory and delay: a packet more than `capacity` frames ahead of the
//   next to play drops the oldest frames to make room (a burst keeps its end, not its start);
// - a new SSRC, or a sequence jump no reordering explains (RFC 3550 A.1's 3000 ahead, 100
//   behind), restarts the stream.
// One thread (the socket's strand) pushes and pulls.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::media {

struct JitterStats {
  std::uint64_t received = 0;    ///< packets accepted into the buffer
  std::uint64_t played = 0;      ///< frames pulled that had arrived
  std::uint64_t lost = 0;        ///< frames whose turn came before they did
  std::uint64_t late = 0;        ///< packets dropped: their turn had passed
  std::uint64_t duplicates = 0;  ///< packets dropped: that frame was already there
  std::uint64_t overflow = 0;    ///< frames dropped to make room (the buffer was full)
  std::uint64_t restarts = 0;    ///< new SSRC or an unexplainable sequence jump
};

class JitterBuffer {
 public:
  struct Config {
    std::size_t capacity = 16;      ///< frames held at most (320 ms)
    std::size_t playout_delay = 3;  ///< frames (60 ms) between the first arrival and playout
  };
  enum class Push { kQueued, kDuplicate, kLate, kRestarted };

  explicit JitterBuffer(Config config);
  JitterBuffer() : JitterBuffer(Config{}) {}

  Push push(std::uint32_t ssrc, std::uint16_t sequence, std::string frame);
  /// The next frame in sequence, or nullopt: nothing to play yet, or that frame was lost
  /// (stats().lost says which). Call once per frame time.
  std::optional<std::string> pull();

  const JitterStats& stats() const { return stats_; }
  /// Frames held now.
  std::size_t depth() const { return held_; }

 private:
  struct Slot {
    bool filled = false;
    std::string frame;
  };
  Slot& slot(std::size_t offset) { return slots_[(head_ + offset) % slots_.size()]; }
  void restart(std::uint32_t ssrc, std::uint16_t sequence);
  void advance();
  /// One past the furthest frame held, counted from the head.
  std::size_t reach();  ///< forgets the frame at the head and moves on to the next sequence number

  Config config_;
  std::vector<Slot> slots_;
  std::size_t head_ = 0;  ///< slot of next_
  std::size_t held_ = 0;
  bool active_ = false;     ///< a stream has begun (ssrc_ and next_ mean something)
  bool playing_ = false;    ///< playout has started (else still waiting out the delay)
  std::size_t waited_ = 0;  ///< pulls since the first frame arrived, while not playing
  std::uint32_t ssrc_ = 0;
  std::uint16_t next_ = 0;  ///< sequence number of the frame to play next
  JitterStats stats_;
};

}  // namespace sb::media
