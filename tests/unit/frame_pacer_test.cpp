// Pacing outbound audio in real time, decided over a manual clock.
#include "media/frame_pacer.hpp"

#include <gtest/gtest.h>

#include "core/manual_clock.hpp"

namespace sb::media {
namespace {

using namespace std::chrono_literals;

TEST(FramePacer, AFirstFrameAndTheCushionGoAtOnceThenOneFramePerFrameTime) {
  ManualClock clock;
  FramePacer pacer(20ms, 2);
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 3u);
  pacer.sent(3, clock.steady_now());
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 0u);
  EXPECT_EQ(pacer.next_send(clock.steady_now()), clock.steady_now() + 20ms);
  clock.advance(19ms);
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 0u);
  clock.advance(1ms);
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 1u);
  pacer.sent(1, clock.steady_now());
  EXPECT_EQ(pacer.ahead(clock.steady_now()), 3u);
}

TEST(FramePacer, OverASecondTheSenderNeverGetsMoreThanItsCushionAhead) {
  ManualClock clock;
  FramePacer pacer(20ms, 2);
  const auto start = clock.steady_now();
  std::size_t total = 0;
  for (int ms = 0; ms <= 1000; ++ms) {  // a sender that sends whenever it may
    const auto now = clock.steady_now();
    if (const auto n = pacer.allowance(now)) {
      pacer.sent(n, now);
      total += n;
    }
    EXPECT_LE(pacer.ahead(now), 3u);
    clock.advance(1ms);
  }
  EXPECT_EQ(total, 50u + 1u + 2u);  // one per 20 ms, the one playing, and the cushion
  EXPECT_EQ(clock.steady_now() - start, 1001ms);
}

TEST(FramePacer, AfterAGapThereIsNoBurstToCatchUp) {
  ManualClock clock;
  FramePacer pacer(20ms, 2);
  pacer.sent(3, clock.steady_now());
  clock.advance(500ms);  // nothing to say for half a second: the listener played it all
  EXPECT_EQ(pacer.ahead(clock.steady_now()), 0u);
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 3u);  // a new run, not 25 frames
  pacer.sent(3, clock.steady_now());
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 0u);
  clock.advance(20ms);
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 1u);
}

TEST(FramePacer, ResetStartsANewRunAfterTheListenerWasCleared) {
  ManualClock clock;
  FramePacer pacer(20ms, 2);
  pacer.sent(3, clock.steady_now());
  clock.advance(5ms);
  pacer.reset();
  EXPECT_EQ(pacer.ahead(clock.steady_now()), 0u);
  EXPECT_EQ(pacer.allowance(clock.steady_now()), 3u);
}

}  // namespace
}  // namespace sb::media
