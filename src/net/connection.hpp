#pragma once
// One accepted connection, as the server's coroutine, the deadline sweeper and the connection
// registry share it. Its coroutine and every function posted to its executor (a strand) run one
// at a time; `state` is also read from other threads.

#include <time.h>

#include <atomic>
#include <cstdint>

#include <boost/asio/ip/tcp.hpp>

namespace sb::net {

// Milliseconds on a monotonic clock cheap enough to read several times per request (a few ns:
// it is the kernel's tick, a few ms coarse, which deadlines in seconds do not mind).
inline std::int64_t coarse_now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
}

enum class Phase : std::uint8_t {
  kFresh,      // accepted, no byte received yet
  kIdle,       // keep-alive, between requests
  kHeaders,    // reading a request's headers
  kBody,       // reading its body
  kHandling,   // with the handler: no deadline, the server owes the answer
  kWriting,    // writing a response
  kLingering,  // draining unread bytes before closing
};

/// Idle connections may be closed to make room; busy ones never are.
inline bool is_idle(Phase p) {
  return p == Phase::kFresh || p == Phase::kIdle;
}

// Why a connection's pending operation was cancelled from outside.
enum class Cut : std::uint8_t { kNone, kDeadline, kEvicted, kShutdown };

struct Connection {
  explicit Connection(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}

  void enter(Phase phase) {
    state.store(coarse_now_ms() << 8 | static_cast<std::int64_t>(phase), std::memory_order_relaxed);
  }
  Phase phase() const { return phase_of(state.load(std::memory_order_relaxed)); }
  static Phase phase_of(std::int64_t state) { return static_cast<Phase>(state & 0xff); }
  static std::int64_t since_of(std::int64_t state) { return state >> 8; }

  boost::asio::ip::tcp::socket socket;
  std::atomic<std::int64_t> state{0};  // (ms when the phase began) << 8 | phase
  std::atomic<bool> expiry_posted{false};
  Cut cut = Cut::kNone;  // strand only
  bool closed = false;   // strand only: the coroutine has finished with the socket
  // Guarded by the registry's mutex.
  std::size_t slot = 0;
  bool eviction_pending = false;
};

}  // namespace sb::net
