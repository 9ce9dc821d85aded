#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace sb::http {

RateLimiter::RateLimiter(Options options) : options_(options) {
  if (options_.per_second <= 0) return;
  if (options_.burst <= 0) options_.burst = options_.per_second;
  options_.burst = std::max(1.0, options_.burst);
  interval_ns_ = std::max<std::int64_t>(1, std::llround(1e9 / options_.per_second));
  tolerance_ns_ = std::llround((options_.burst - 1) * static_cast<double>(interval_ns_));
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Decision RateLimiter::acquire(std::string_view key, Clock::time_point now) {
  if (!enabled()) return {};
  const std::int64_t t = now.time_since_epoch().count();
  Shard& shard = shards_[Hash{}(key) % kShards];
  {
    std::shared_lock lock(shard.mutex);
    if (auto it = shard.tats.find(key); it != shard.tats.end()) return take(*it->second, t);
  }
  std::unique_lock lock(shard.mutex);
  return take(insert(shard, key, t), t);
}

// GCRA: a request is allowed while the key's theoretical arrival time runs at most the burst
// tolerance ahead of now; each allowed request pushes it one interval further.
RateLimiter::Decision RateLimiter::take(Tat& tat, std::int64_t now) const {
  std::int64_t seen = tat.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t base = std::max(seen, now);
    const std::int64_t ahead = base - now;
    if (ahead > tolerance_ns_) return {false, std::chrono::nanoseconds(ahead - tolerance_ns_)};
    if (tat.compare_exchange_weak(seen, base + interval_ns_, std::memory_order_relaxed)) return {};
  }
}

RateLimiter::Tat& RateLimiter::insert(Shard& shard, std::string_view key, std::int64_t now) {
  if (auto it = shard.tats.find(key); it != shard.tats.end()) return *it->second;
  const std::size_t cap = std::max<std::size_t>(1, options_.max_keys / kShards);
  if (shard.tats.size() >= cap) {
    // A key whose arrival time is in the past has a full bucket: forgetting it changes nothing.
    std::erase_if(shard.tats, [now](const auto& kv) {
      return kv.second->load(std::memory_order_relaxed) <= now;
    });
    if (shard.tats.size() >= cap) shard.tats.clear();
  }
  return *shard.tats.emplace(std::string(key), std::make_unique<Tat>(0)).first->second;
}

std::size_t RateLimiter::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    n += shard.tats.size();
  }
  return n;
}

long RateLimiter::retry_after_seconds(std::chrono::nanoseconds wait) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return std::max<long>(1, static_cast<long>(seconds));
}

}  // namespace sb::http
