#pragma once
// The people listening to a live call (monitor.listenUrl): each a WebSocket that gets the call's
// audio, listen-only, as the recorder aligns it — binary frames of 16-bit little-endian PCM at
// 16 kHz, stereo interleaved, the customer on channel 0 and the assistant on channel 1, 20 ms
// (1280 bytes) each — until the call ends (closed normally) or it leaves. A listener never
// holds the call up: its socket queues at most a second of audio and closes itself (slow
// consumer) beyond it, and the call drops it. Strand only, but for reserve().

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "net/websocket.hpp"

namespace sb::voice {

class CallListeners {
 public:
  /// Listeners one call takes at once; one more is refused (429) at the upgrade.
  static constexpr std::size_t kMaxListeners = 8;
  /// Samples of one channel in a frame (20 ms at 16 kHz).
  static constexpr std::size_t kFrameSamples = 320;
  static constexpr std::size_t kFrameBytes = kFrameSamples * 2 * 2;

  /// What a listener's socket may carry: nothing in but pings (a few small frames, ignored),
  /// about a second of audio queued out.
  static net::WebSocketLimits limits();

  /// A listener's socket handler: frames it sends are ignored; `on_close` runs when it closes.
  static std::shared_ptr<net::WebSocketHandler> handler(std::function<void()> on_close);

  /// Any thread: a place for one more listener, taken until the returned token is gone; null
  /// when `max` are taken.
  std::shared_ptr<void> reserve(std::size_t max);

  /// `socket` listens from the next whole frame on; `place` is its reserve() token.
  void add(std::shared_ptr<net::WebSocket> socket, std::shared_ptr<void> place);
  /// The listener on `socket` has gone (closed). Unknown sockets are ignored.
  void remove(const net::WebSocket* socket);
  bool empty() const { return listeners_.empty(); }
  std::size_t size() const { return listeners_.size(); }

  /// Aligned interleaved stereo: whole 20 ms frames go to every listener, the rest waits.
  /// Nothing is copied while nobody listens.
  void feed(std::span<const std::int16_t> stereo);
  /// The call ended: every listener is closed normally (1000) after what it was sent.
  void close_all();

 private:
  struct Listener {
    std::shared_ptr<net::WebSocket> socket;
    std::shared_ptr<void> place;
  };
  void send_frame(std::span<const std::int16_t> frame);

  std::shared_ptr<std::atomic<std::size_t>> taken_ = std::make_shared<std::atomic<std::size_t>>(0);
  std::vector<Listener> listeners_;
  std::vector<std::int16_t> pending_;  ///< less than a frame, interleaved
};

}  // namespace sb::voice
