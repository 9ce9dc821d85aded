// RFC 4733 keypad digits: each press told once, and the packets we send for one.
#include "media/telephone_event.hpp"

#include <gtest/gtest.h>

namespace sb::media {
namespace {

using namespace std::chrono_literals;

TEST(TelephoneEvent, EventsZeroToFifteenAreTheKeypad) {
  std::string keys;
  for (std::uint8_t e = 0; e < 16; ++e) keys += *digit_of_event(e);
  EXPECT_EQ(keys, "0123456789*#ABCD");
  EXPECT_FALSE(digit_of_event(16));  // flash
  EXPECT_EQ(event_of_digit('#'), 11);
  EXPECT_EQ(event_of_digit('d'), 15);
  EXPECT_FALSE(event_of_digit('x'));
}

TEST(TelephoneEvent, PayloadFieldsRoundTrip) {
  const TelephoneEvent sent{11, true, 37, 1600};
  const auto wire = serialize_telephone_event(sent);
  ASSERT_EQ(wire.size(), 4u);
  const auto got = parse_telephone_event(wire);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->event, 11);
  EXPECT_TRUE(got->end);
  EXPECT_EQ(got->volume, 37);
  EXPECT_EQ(got->duration, 1600);
  EXPECT_FALSE(parse_telephone_event(wire.substr(0, 3)));
}

TEST(TelephoneEvent, APressIsToldOnceWhateverItsPacketsAre) {
  TelephoneEventReceiver receiver;
  const auto packets = *telephone_event_packets('5');
  std::string told;
  for (const auto& p : packets)
    if (auto d = receiver.on_packet(7, 1000, p.payload)) told += *d;
  EXPECT_EQ(told, "5");  // start, updates and the three end packets: one press
  // The same digit again is a new event (a new timestamp): told again.
  EXPECT_EQ(receiver.on_packet(7, 2600, packets.back().payload), '5');
  EXPECT_FALSE(receiver.on_packet(7, 2600, packets.back().payload));
}

TEST(TelephoneEvent, APressWhoseStartWasLostIsToldAtItsEnd) {
  TelephoneEventReceiver receiver;
  const auto packets = *telephone_event_packets('#');
  EXPECT_EQ(receiver.on_packet(1, 0, packets.back().payload), '#');
}

TEST(TelephoneEvent, SendingADigitIsAMarkedStartUpdatesAndThreeEnds) {
  const auto packets = telephone_event_packets('9', 100ms, 20ms, 8000);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 5u + 3u);
  EXPECT_TRUE((*packets)[0].marker);
  std::uint16_t last = 0;
  for (std::size_t i = 0; i < packets->size(); ++i) {
    const auto e = *parse_telephone_event((*packets)[i].payload);
    EXPECT_EQ(e.event, 9);
    EXPECT_EQ(e.end, i >= 5);
    if (i > 0) {
      EXPECT_FALSE((*packets)[i].marker);
    }
    EXPECT_GE(e.duration, last);
    last = e.duration;
  }
  EXPECT_EQ(last, 800);  // 100 ms at 8 kHz
  EXPECT_FALSE(telephone_event_packets('z'));
}

}  // namespace
}  // namespace sb::media
