// A call's listeners (monitor.listenUrl): the aligned stereo cut into 20 ms frames of 16-bit
// little-endian PCM, customer left and assistant right; a listener that cannot take a frame is
// dropped without holding the others; places are bounded and given back.

#include <gtest/gtest.h>

#include "fake_websocket.hpp"
#include "runtime/voice/call_listeners.hpp"

namespace sb::voice {
namespace {

using test::FakeWebSocket;

// `samples` of interleaved stereo per channel: customer `left`, assistant `right`.
std::vector<std::int16_t> stereo(std::size_t samples, std::int16_t left, std::int16_t right) {
  std::vector<std::int16_t> out;
  for (std::size_t i = 0; i < samples; ++i) {
    out.push_back(left);
    out.push_back(right);
  }
  return out;
}

std::int16_t sample_at(const std::string& frame, std::size_t index) {
  const auto lo = static_cast<unsigned char>(frame[2 * index]);
  const auto hi = static_cast<unsigned char>(frame[2 * index + 1]);
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
}

TEST(CallListenersTest, WholeFramesOfLittleEndianStereoCustomerLeftAssistantRight) {
  CallListeners listeners;
  auto socket = std::make_shared<FakeWebSocket>();
  listeners.add(socket, listeners.reserve(8));
  // 30 ms, then 10 ms: the frame is sent once it is whole, the rest waits.
  listeners.feed(stereo(480, 300, -2));
  ASSERT_EQ(socket->binaries.size(), 1u);
  listeners.feed(stereo(100, 5, 6));
  EXPECT_EQ(socket->binaries.size(), 1u);
  listeners.feed(stereo(60, 7, 8));
  ASSERT_EQ(socket->binaries.size(), 2u);
  for (const auto& frame : socket->binaries) EXPECT_EQ(frame.size(), CallListeners::kFrameBytes);
  const auto& first = socket->binaries[0];
  EXPECT_EQ(sample_at(first, 0), 300);
  EXPECT_EQ(sample_at(first, 1), -2);
  EXPECT_EQ(static_cast<unsigned char>(first[0]), 300 & 0xff) << "little-endian";
  EXPECT_EQ(static_cast<unsigned char>(first[1]), 300 >> 8);
  const auto& second = socket->binaries[1];
  EXPECT_EQ(sample_at(second, 0), 300) << "the carried-over 10 ms come first";
  EXPECT_EQ(sample_at(second, 2 * 160), 5);
  EXPECT_EQ(sample_at(second, 2 * 160 + 1), 6);
  EXPECT_EQ(sample_at(second, 2 * 319 + 1), 8);
}

TEST(CallListenersTest, AListenerThatCannotTakeAFrameIsDroppedAndTheOthersGoOn) {
  CallListeners listeners;
  auto slow = std::make_shared<FakeWebSocket>();
  auto fine = std::make_shared<FakeWebSocket>();
  listeners.add(slow, listeners.reserve(8));
  listeners.add(fine, listeners.reserve(8));
  listeners.feed(stereo(320, 1, 1));
  slow->accepting = false;  // its queue is full: its socket closes itself
  listeners.feed(stereo(640, 2, 2));
  EXPECT_EQ(listeners.size(), 1u);
  slow->accepting = true;
  listeners.feed(stereo(320, 3, 3));
  EXPECT_EQ(slow->binaries.size(), 1u) << "nothing more once dropped";
  EXPECT_EQ(fine->binaries.size(), 4u);
}

TEST(CallListenersTest, TheCallsEndClosesEveryListenerNormally) {
  CallListeners listeners;
  auto a = std::make_shared<FakeWebSocket>();
  auto b = std::make_shared<FakeWebSocket>();
  listeners.add(a, listeners.reserve(8));
  listeners.add(b, listeners.reserve(8));
  listeners.remove(b.get());
  listeners.close_all();
  EXPECT_EQ(a->closed, net::CloseCode::kNormal);
  EXPECT_FALSE(b->closed) << "a listener that left is not closed again";
  EXPECT_TRUE(listeners.empty());
}

TEST(CallListenersTest, PlacesAreBoundedAndGivenBackWhenTheirTokenGoes) {
  CallListeners listeners;
  std::vector<std::shared_ptr<void>> places;
  for (int i = 0; i < 3; ++i) places.push_back(listeners.reserve(3));
  for (const auto& p : places) EXPECT_TRUE(p);
  EXPECT_FALSE(listeners.reserve(3)) << "a fourth of three";
  // A handshake that failed drops its token: the place is free again.
  places.pop_back();
  auto again = listeners.reserve(3);
  EXPECT_TRUE(again);
  // A listener's place is held while it listens and given back once it has gone.
  auto socket = std::make_shared<FakeWebSocket>();
  listeners.add(socket, std::move(again));
  EXPECT_FALSE(listeners.reserve(3));
  listeners.remove(socket.get());
  EXPECT_TRUE(listeners.reserve(3));
}

TEST(CallListenersTest, NothingIsKeptWhileNobodyListens) {
  CallListeners listeners;
  listeners.feed(stereo(100, 9, 9));
  auto socket = std::make_shared<FakeWebSocket>();
  listeners.add(socket, listeners.reserve(8));
  listeners.feed(stereo(320, 1, 1));
  ASSERT_EQ(socket->binaries.size(), 1u);
  EXPECT_EQ(sample_at(socket->binaries[0], 0), 1) << "audio from before the listener joined";
}

}  // namespace
}  // namespace sb::voice
