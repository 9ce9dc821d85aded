// RTP headers read and written as RFC 3550 lays them out; malformed datagrams refused.
#include "media/rtp_packet.hpp"

#include <gtest/gtest.h>

namespace sb::media {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(RtpPacket, WrittenHeadersReadBackWithTheirPayload) {
  RtpHeader header{true, 8, 65535, 0xdeadbeef, 0x01020304};
  const auto wire = serialize_rtp(header, "abc");
  ASSERT_EQ(wire.size(), 15u);
  EXPECT_EQ(static_cast<std::uint8_t>(wire[0]), 0x80);
  EXPECT_EQ(static_cast<std::uint8_t>(wire[1]), 0x88);  // marker and PT 8
  const auto packet = parse_rtp(wire);
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->header.marker);
  EXPECT_EQ(packet->header.payload_type, 8);
  EXPECT_EQ(packet->header.sequence, 65535);
  EXPECT_EQ(packet->header.timestamp, 0xdeadbeefu);
  EXPECT_EQ(packet->header.ssrc, 0x01020304u);
  EXPECT_EQ(packet->payload, "abc");
}

TEST(RtpPacket, CsrcsExtensionAndPaddingAreSkipped) {
  // V=2 P=1 X=1 CC=1, PT 0; one CSRC; extension of one word; payload "hi"; 2 padding bytes.
  auto wire = bytes({0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3});
  wire += bytes({9, 9, 9, 9});                    // CSRC
  wire += bytes({0xbe, 0xde, 0, 1, 1, 2, 3, 4});  // extension header and one word
  wire += "hi";
  wire += bytes({0, 2});  // padding, its last byte counting both
  const auto packet = parse_rtp(wire);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->csrc_count, 1);
  EXPECT_EQ(packet->payload, "hi");
}

TEST(RtpPacket, MalformedDatagramsAreRefused) {
  const auto good = serialize_rtp(RtpHeader{}, "x");
  EXPECT_FALSE(parse_rtp(good.substr(0, 11)));  // shorter than the fixed header
  auto v1 = good;
  v1[0] = 0x40;
  EXPECT_FALSE(parse_rtp(v1));  // version 1
  auto csrcs = good;
  csrcs[0] = static_cast<char>(0x8f);  // 15 CSRCs that are not there
  EXPECT_FALSE(parse_rtp(csrcs));
  auto ext = bytes({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 9});
  EXPECT_FALSE(parse_rtp(ext));                // an extension longer than the datagram
  EXPECT_FALSE(parse_rtp(ext.substr(0, 14)));  // an extension header cut short
  auto pad = good;
  pad[0] = static_cast<char>(0xa0);
  pad.back() = 5;  // more padding than payload
  EXPECT_FALSE(parse_rtp(pad));
  pad.back() = 0;  // padding of zero bytes
  EXPECT_FALSE(parse_rtp(pad));
}

TEST(RtpPacket, SequenceAndTimestampArithmeticWrapsAround) {
  EXPECT_EQ(sequence_delta(0, 65535), 1);
  EXPECT_EQ(sequence_delta(65535, 0), -1);
  EXPECT_EQ(sequence_delta(5, 65530), 11);
  EXPECT_EQ(sequence_delta(100, 100), 0);
  EXPECT_EQ(timestamp_delta(80, 0xffffffb0u), 160);
  EXPECT_EQ(timestamp_delta(0xffffffb0u, 80), -160);
}

}  // namespace
}  // namespace sb::media
