#include "http/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace sb::http {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

RateLimiter limiter(double per_second, double burst, std::size_t max_keys = 100'000) {
  RateLimiter::Options o;
  o.per_second = per_second;
  o.burst = burst;
  o.max_keys = max_keys;
  return RateLimiter(o);
}

TEST(RateLimiter, DisabledLetsEverythingThrough) {
  RateLimiter r({});
  EXPECT_FALSE(r.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(r.acquire("k").allowed);
  EXPECT_EQ(r.size(), 0u);
}

TEST(RateLimiter, BurstThenSustainedRate) {
  auto r = limiter(10, 3);
  const auto t0 = Clock::now();
  EXPECT_TRUE(r.acquire("k", t0).allowed);
  EXPECT_TRUE(r.acquire("k", t0).allowed);
  EXPECT_TRUE(r.acquire("k", t0).allowed);
  const auto refused = r.acquire("k", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 100ms);  // one interval at 10/s
  EXPECT_FALSE(r.acquire("k", t0 + 99ms).allowed);
  EXPECT_TRUE(r.acquire("k", t0 + 100ms).allowed);
  EXPECT_FALSE(r.acquire("k", t0 + 100ms).allowed);
  // After a long pause the bucket is full again, never fuller.
  const auto later = t0 + 10s;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(r.acquire("k", later).allowed);
  EXPECT_FALSE(r.acquire("k", later).allowed);
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  auto r = limiter(1, 1);
  const auto t0 = Clock::now();
  EXPECT_TRUE(r.acquire("org-a", t0).allowed);
  EXPECT_FALSE(r.acquire("org-a", t0).allowed);
  EXPECT_TRUE(r.acquire("org-b", t0).allowed);
}

TEST(RateLimiter, BurstDefaultsToOneSecondsWorth) {
  auto r = limiter(5, 0);
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(r.acquire("k", t0).allowed) << i;
  EXPECT_FALSE(r.acquire("k", t0).allowed);
}

TEST(RateLimiter, RetryAfterIsWholeSecondsAtLeastOne) {
  EXPECT_EQ(RateLimiter::retry_after_seconds(1ns), 1);
  EXPECT_EQ(RateLimiter::retry_after_seconds(1s), 1);
  EXPECT_EQ(RateLimiter::retry_after_seconds(1001ms), 2);
  auto r = limiter(0.5, 1);  // one request every two seconds
  const auto t0 = Clock::now();
  EXPECT_TRUE(r.acquire("k", t0).allowed);
  EXPECT_EQ(RateLimiter::retry_after_seconds(r.acquire("k", t0).retry_after), 2);
}

TEST(RateLimiter, MemoryStaysBoundedWhateverTheKeys) {
  auto r = limiter(1, 1, /*max_keys=*/160);
  const auto t0 = Clock::now();
  for (int i = 0; i < 100'000; ++i) r.acquire("addr-" + std::to_string(i), t0);
  EXPECT_LE(r.size(), 160u);
  // Still limiting after forgetting: the newest key has just spent its only token.
  EXPECT_FALSE(r.acquire("addr-99999", t0).allowed);
}

TEST(RateLimiter, ConcurrentCallersNeverExceedTheBurst) {
  auto r = limiter(1, 1000);  // 1000 at once, then one a second
  const auto t0 = Clock::now();
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (r.acquire("k", t0).allowed) ++allowed;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 1000);
}

}  // namespace
}  // namespace sb::http
