#pragma once
// Token buckets by key (an org id, a remote address), kept as GCRA: one atomic "theoretical
// arrival time" per key, so an allowed request costs a shared lock on one of 16 shards, a hash
// lookup and one compare-and-swap. Keys are created on first use; when a shard holds more than
// its share of `max_keys`, keys whose bucket is full again (idle ones) are dropped, and if that
// is not enough the shard forgets every key (limits then restart from full buckets: memory
// stays bounded whatever keys an attacker makes up).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    /// Sustained requests per second per key; 0 disables the limiter (every request passes).
    double per_second = 0;
    /// Requests a key may make at once after being idle; 0 means one second's worth.
    double burst = 0;
    std::size_t max_keys = 100'000;
  };

  struct Decision {
    bool allowed = true;
    /// When refused: the wait until one request would be allowed (> 0).
    std::chrono::nanoseconds retry_after{0};
  };

  explicit RateLimiter(Options options);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool enabled() const { return interval_ns_ > 0; }
  const Options& options() const { return options_; }

  /// Takes one request from `key`'s bucket. Thread-safe.
  Decision acquire(std::string_view key, Clock::time_point now = Clock::now());

  /// Keys currently tracked (tests, diagnostics).
  std::size_t size() const;

  /// Whole seconds to tell a refused client in Retry-After (at least 1).
  static long retry_after_seconds(std::chrono::nanoseconds wait);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Tat = std::atomic<std::int64_t>;
  struct Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<Tat>, Hash, std::equal_to<>> tats;
  };
  static constexpr std::size_t kShards = 16;

  Decision take(Tat& tat, std::int64_t now) const;
  Tat& insert(Shard& shard, std::string_view key, std::int64_t now);

  Options options_;
  std::int64_t interval_ns_ = 0;   // time one request "costs"
  std::int64_t tolerance_ns_ = 0;  // how far ahead of now the arrival time may run (the burst)
  std::array<Shard, kShards> shards_;
};

}  // namespace sb::http
