// The manual clock and the timers it drives: what the backoff, pacing and deadline tests of
// every component stand on.
#include "core/manual_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <thread>
#include <vector>

#include "net/io_threads.hpp"
#include "net/timer.hpp"

namespace sb {
namespace {

using namespace std::chrono_literals;

TEST(ManualClock, MovesOnlyWhenAdvancedAndBothClocksTogether) {
  ManualClock clock(1'000);
  const auto start = clock.steady_now();
  EXPECT_EQ(clock.steady_now(), start);
  clock.advance(250ms);
  EXPECT_EQ(clock.steady_now() - start, 250ms);
  EXPECT_EQ(clock.wall_ms(), 1'250);
}

TEST(ManualClock, WakeUpsRunInTimeOrderEachSeeingItsOwnTime) {
  ManualClock clock(0);
  const auto t0 = clock.steady_now();
  std::vector<std::pair<int, EpochMs>> woken;
  clock.wake_at(t0 + 30ms, [&] { woken.emplace_back(30, clock.wall_ms()); });
  clock.wake_at(t0 + 10ms, [&] {
    woken.emplace_back(10, clock.wall_ms());
    // Scheduled inside the step and due within it: runs in the same advance().
    clock.wake_at(t0 + 20ms, [&] { woken.emplace_back(20, clock.wall_ms()); });
  });
  const auto late = clock.wake_at(t0 + 100ms, [&] { woken.emplace_back(100, clock.wall_ms()); });
  clock.advance(50ms);
  EXPECT_EQ(woken, (std::vector<std::pair<int, EpochMs>>{{10, 10}, {20, 20}, {30, 30}}));
  EXPECT_EQ(clock.wall_ms(), 50);
  clock.cancel(late);
  clock.advance(100ms);
  EXPECT_EQ(woken.size(), 3u);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(ManualClock, AdvanceToNextWakeJumpsExactlyThere) {
  ManualClock clock(0);
  EXPECT_FALSE(clock.advance_to_next_wake());
  bool woken = false;
  clock.wake_at(clock.steady_now() + 1234ms, [&] { woken = true; });
  EXPECT_TRUE(clock.advance_to_next_wake());
  EXPECT_TRUE(woken);
  EXPECT_EQ(clock.wall_ms(), 1234);
}

// Runs the context until `fired` holds or nothing is left to run.
template <class P>
void run_ready(boost::asio::io_context& io, P fired) {
  io.restart();
  while (!fired() && io.poll() > 0) {
  }
}

TEST(Timer, OnAManualClockFiresOnItsExecutorOnceTheClockReachesItsTime) {
  ManualClock clock;
  boost::asio::io_context io;
  net::Timer timer(io.get_executor(), clock);
  int fired = 0;
  timer.arm_after(100ms, [&] { ++fired; });
  clock.advance(99ms);
  run_ready(io, [&] { return fired > 0; });
  EXPECT_EQ(fired, 0);
  clock.advance(1ms);
  EXPECT_EQ(fired, 0);  // posted, not run inside advance()
  run_ready(io, [&] { return fired > 0; });
  EXPECT_EQ(fired, 1);
}

TEST(Timer, ReArmingOrCancellingDropsTheEarlierCallback) {
  ManualClock clock;
  boost::asio::io_context io;
  net::Timer timer(io.get_executor(), clock);
  std::vector<int> fired;
  timer.arm_after(10ms, [&] { fired.push_back(1); });
  timer.arm_after(20ms, [&] { fired.push_back(2); });
  clock.advance(30ms);
  run_ready(io, [] { return false; });
  EXPECT_EQ(fired, (std::vector<int>{2}));
  timer.arm_after(10ms, [&] { fired.push_back(3); });
  clock.advance(10ms);  // due and posted...
  timer.cancel();       // ...but cancelled before it ran
  run_ready(io, [] { return false; });
  EXPECT_EQ(fired, (std::vector<int>{2}));
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(Timer, ADestroyedTimerNeverFires) {
  ManualClock clock;
  boost::asio::io_context io;
  bool fired = false;
  {
    net::Timer timer(io.get_executor(), clock);
    timer.arm_after(5ms, [&] { fired = true; });
  }
  EXPECT_EQ(clock.pending(), 0u);
  clock.advance(10ms);
  run_ready(io, [] { return false; });
  EXPECT_FALSE(fired);
}

TEST(Timer, OnTheSystemClockFiresOnARunningContext) {
  net::IoThreads threads("timer-test", 1);
  net::Timer timer(threads.context().get_executor(), system_clock());
  std::atomic<bool> fired = false;
  threads.start();
  timer.arm_after(1ms, [&] { fired = true; });
  for (int i = 0; i < 500 && !fired; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(fired);
  threads.stop();
}

TEST(IoThreads, RunsHandlersUntilStoppedAndSurvivesOneThatThrows) {
  net::IoThreads threads("io-test", 2);
  EXPECT_EQ(threads.size(), 2u);
  std::atomic<int> ran = 0;
  threads.start();
  boost::asio::post(threads.context(), [] { throw std::runtime_error("a bug"); });
  for (int i = 0; i < 10; ++i) boost::asio::post(threads.context(), [&] { ++ran; });
  for (int i = 0; i < 500 && ran < 10; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(ran.load(), 10);
  threads.stop();
  threads.stop();  // idempotent
}

}  // namespace
}  // namespace sb
