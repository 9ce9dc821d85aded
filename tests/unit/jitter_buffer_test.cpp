// Putting a received RTP stream back in order, pulled one frame per 20 ms.
#include "media/jitter_buffer.hpp"

#include <gtest/gtest.h>

namespace sb::media {
namespace {

std::string frame(int n) {
  return "f" + std::to_string(n);
}

// What `pulls` pulls give, "-" for nothing.
std::string drain(JitterBuffer& buffer, int pulls) {
  std::string out;
  for (int i = 0; i < pulls; ++i) {
    const auto f = buffer.pull();
    out += (f ? *f : std::string("-")) + " ";
  }
  return out;
}

JitterBuffer::Config config(std::size_t capacity, std::size_t delay) {
  JitterBuffer::Config c;
  c.capacity = capacity;
  c.playout_delay = delay;
  return c;
}

TEST(JitterBuffer, InOrderFramesPlayAfterTheDelayThenOnePerPull) {
  JitterBuffer buffer(config(16, 2));
  EXPECT_EQ(drain(buffer, 1), "- ");  // nothing yet
  for (int i = 0; i < 4; ++i) buffer.push(1, static_cast<std::uint16_t>(i), frame(i));
  EXPECT_EQ(drain(buffer, 6), "- - f0 f1 f2 f3 ");
  EXPECT_EQ(buffer.stats().played, 4u);
  EXPECT_EQ(buffer.stats().lost, 0u);
}

TEST(JitterBuffer, ReorderedFramesPlayInSequence) {
  JitterBuffer buffer(config(16, 1));
  for (int s : {2, 0, 1, 4, 3}) buffer.push(1, static_cast<std::uint16_t>(s), frame(s));
  EXPECT_EQ(drain(buffer, 6), "- f0 f1 f2 f3 f4 ");
}

TEST(JitterBuffer, DuplicatesAreDroppedAndCounted) {
  JitterBuffer buffer(config(16, 0));
  EXPECT_EQ(buffer.push(1, 10, frame(10)), JitterBuffer::Push::kQueued);
  EXPECT_EQ(buffer.push(1, 10, "again"), JitterBuffer::Push::kDuplicate);
  buffer.push(1, 11, frame(11));
  EXPECT_EQ(drain(buffer, 2), "f10 f11 ");
  EXPECT_EQ(buffer.stats().duplicates, 1u);
}

TEST(JitterBuffer, ALostFrameIsSilenceInItsPlaceAndItsLateArrivalIsDropped) {
  JitterBuffer buffer(config(16, 0));
  buffer.push(1, 0, frame(0));
  buffer.push(1, 2, frame(2));
  EXPECT_EQ(drain(buffer, 2), "f0 - ");  // 1 never came in time
  EXPECT_EQ(buffer.push(1, 1, frame(1)), JitterBuffer::Push::kLate);
  EXPECT_EQ(drain(buffer, 1), "f2 ");
  EXPECT_EQ(buffer.stats().lost, 1u);
  EXPECT_EQ(buffer.stats().late, 1u);
}

TEST(JitterBuffer, SequenceNumbersWrapAt65535) {
  JitterBuffer buffer(config(16, 0));
  for (int s : {65534, 0, 65535, 1}) buffer.push(9, static_cast<std::uint16_t>(s), frame(s));
  EXPECT_EQ(drain(buffer, 4), "f65534 f65535 f0 f1 ");
  EXPECT_EQ(buffer.stats().lost, 0u);
}

TEST(JitterBuffer, ABurstLargerThanTheCapacityKeepsItsNewestFrames) {
  JitterBuffer buffer(config(4, 0));
  for (int s = 0; s < 10; ++s) buffer.push(1, static_cast<std::uint16_t>(s), frame(s));
  EXPECT_EQ(buffer.depth(), 4u);
  EXPECT_EQ(buffer.stats().overflow, 6u);
  EXPECT_EQ(drain(buffer, 5), "f6 f7 f8 f9 - ");
}

TEST(JitterBuffer, ANewSsrcRestartsTheStream) {
  JitterBuffer buffer(config(16, 0));
  buffer.push(1, 100, frame(100));
  EXPECT_EQ(buffer.push(2, 7, frame(7)), JitterBuffer::Push::kRestarted);
  EXPECT_EQ(drain(buffer, 2), "f7 - ");
  EXPECT_EQ(buffer.stats().restarts, 1u);
}

TEST(JitterBuffer, AJumpNoReorderingExplainsRestartsInsteadOfDroppingEverything) {
  JitterBuffer buffer(config(16, 0));
  buffer.push(1, 100, frame(100));
  EXPECT_EQ(drain(buffer, 1), "f100 ");
  // The peer restarted its numbering without a new SSRC: 40000 is not "late".
  EXPECT_EQ(buffer.push(1, 40000, frame(40000)), JitterBuffer::Push::kRestarted);
  EXPECT_EQ(drain(buffer, 1), "f40000 ");
}

TEST(JitterBuffer, AfterRunningDryPlayoutWaitsOutTheDelayAgain) {
  JitterBuffer buffer(config(16, 2));
  buffer.push(1, 0, frame(0));
  EXPECT_EQ(drain(buffer, 4), "- - f0 - ");
  buffer.push(1, 1, frame(1));  // the talker resumes after a pause
  EXPECT_EQ(drain(buffer, 3), "- - f1 ");
  EXPECT_EQ(buffer.stats().lost, 0u);
}

}  // namespace
}  // namespace sb::media
