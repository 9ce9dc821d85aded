#pragma once
// Every open connection, for the three things that look at all of them: the cap on their
// number (closing the longest-idle ones to make room, as nginx reuses keep-alive connections),
// the deadline sweep, and shutdown.
//
// Thread safety: every member may be called from any thread. Closing a connection is always
// posted to its own strand, where it is re-checked against what the connection is doing then.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "net/connection.hpp"

namespace sb::net {

class ConnectionRegistry {
 public:
  /// Connections closed at once when the cap is reached (nginx drains 32 reusable ones).
  static constexpr std::size_t kEvictBatch = 32;

  explicit ConnectionRegistry(std::size_t max_connections) : max_(max_connections) {}

  /// Takes `c` in. At the cap, first closes up to kEvictBatch idle connections; false (and
  /// counted as refused) when nothing could be closed, or after close_all().
  bool admit(const std::shared_ptr<Connection>& c);
  /// Removes `c`. True when that leaves a closed registry empty: shutdown may finish.
  bool withdraw(const std::shared_ptr<Connection>& c);
  /// Closes up to `count` connections, longest idle first (waiting for a first byte counts
  /// as idle), then those stuck longest in their headers; never one with a request in
  /// progress. Returns how many were chosen.
  std::size_t evict(std::size_t count);
  /// Stops admitting, then closes idle connections (idle_only) or every one. True when empty.
  bool close_all(bool idle_only);
  /// Appends each connection whose phase has outlived `timeout_ms(phase)` (0: no deadline)
  /// and has no expiry pending yet, marking it pending.
  void collect_expired(std::int64_t now, const std::function<std::int64_t(Phase)>& timeout_ms,
                       std::vector<std::shared_ptr<Connection>>& due);

  std::size_t size() const;
  std::uint64_t evicted() const { return evicted_.load(); }
  std::uint64_t refused() const { return refused_.load(); }

 private:
  std::size_t evict_locked(std::size_t count);

  const std::size_t max_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Connection>> connections_;  // slot i holds the one with slot i
  std::size_t evictions_pending_ = 0;
  bool closed_ = false;
  std::atomic<std::uint64_t> evicted_{0}, refused_{0};
};

}  // namespace sb::net
