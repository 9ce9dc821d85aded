// RTCP sender reports, the peer's report blocks, and receive loss and jitter.
#include "media/rtcp.hpp"

#include <gtest/gtest.h>

#include "media/rtp_packet.hpp"

namespace sb::media {
namespace {

TEST(Rtcp, NtpTimeCountsFrom1900WithAFraction) {
  const auto ntp = ntp_from_wall_ms(1'700'000'000'500);
  EXPECT_EQ(ntp >> 32, 1'700'000'000ull + 2'208'988'800ull);
  EXPECT_EQ(static_cast<std::uint32_t>(ntp), 0x80000000u);  // half a second
}

TEST(Rtcp, ASenderReportCarriesItsCountsAndReadsBackItsBlock) {
  SenderInfo sender{0xabcdef01, ntp_from_wall_ms(1'700'000'000'000), 16000, 50, 8000};
  ReportBlock block;
  block.ssrc = 42;
  block.fraction_lost = 25;
  block.cumulative_lost = -3;
  block.highest_sequence = 70000;
  block.jitter = 12;
  const auto wire = build_sender_report(sender, block, "switchboard@example");
  ASSERT_EQ(wire.size() % 4, 0u);
  EXPECT_EQ(static_cast<std::uint8_t>(wire[0]), 0x81);  // V=2, one block
  EXPECT_EQ(static_cast<std::uint8_t>(wire[1]), 200);
  EXPECT_EQ(read_be(wire, 20, 4), 50u);    // packet count
  EXPECT_EQ(read_be(wire, 24, 4), 8000u);  // octet count
  const auto reports = parse_rtcp_reports(wire);
  ASSERT_TRUE(reports);
  EXPECT_EQ(reports->sender_ssrc, 0xabcdef01u);
  ASSERT_EQ(reports->blocks.size(), 1u);
  EXPECT_EQ(reports->blocks[0].ssrc, 42u);
  EXPECT_EQ(reports->blocks[0].fraction_lost, 25);
  EXPECT_EQ(reports->blocks[0].cumulative_lost, -3);
  EXPECT_EQ(reports->blocks[0].highest_sequence, 70000u);
  EXPECT_EQ(reports->blocks[0].jitter, 12u);
}

TEST(Rtcp, AReceiverReportsBlocksAreRead) {
  std::string rr;
  rr += static_cast<char>(0x81);
  rr += static_cast<char>(201);
  append_be(rr, 7, 2);  // 8 words follow the first
  append_be(rr, 99, 4);
  append_be(rr, 1234, 4);  // reporting on SSRC 1234
  append_be(rr, 64, 1);    // a quarter lost
  append_be(rr, 10, 3);
  append_be(rr, 500, 4);
  append_be(rr, 80, 4);
  append_be(rr, 0, 4);
  append_be(rr, 0, 4);
  const auto reports = parse_rtcp_reports(rr);
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->blocks.size(), 1u);
  EXPECT_EQ(reports->blocks[0].ssrc, 1234u);
  EXPECT_EQ(reports->blocks[0].fraction_lost, 64);
  EXPECT_EQ(reports->blocks[0].cumulative_lost, 10);
  EXPECT_EQ(reports->blocks[0].jitter, 80u);
}

TEST(Rtcp, TruncatedOrForeignDatagramsAreRefused) {
  const auto wire = build_sender_report(SenderInfo{}, ReportBlock{}, "x");
  EXPECT_FALSE(parse_rtcp_reports(wire.substr(0, wire.size() - 40)));  // a length past the end
  EXPECT_FALSE(parse_rtcp_reports(std::string(12, '\0')));             // version 0
  EXPECT_FALSE(parse_rtcp_reports("ab"));
}

TEST(Rtcp, JitterIsZeroForSteadyArrivalAndGrowsWithUnevenArrival) {
  InterarrivalJitter steady;
  for (std::uint32_t i = 0; i < 50; ++i) steady.update(5000 + 160 * i, 160 * i);
  EXPECT_EQ(steady.value(), 0u);
  InterarrivalJitter uneven;  // every other packet 20 ms (160 units) late
  for (std::uint32_t i = 0; i < 200; ++i) uneven.update(160 * i + (i % 2 ? 160 : 0), 160 * i);
  EXPECT_NEAR(uneven.value(), 160u, 10u);  // A.8 converges to the mean deviation
}

TEST(Rtcp, ReceptionStatsCountLossAcrossTheSequenceWrap) {
  ReceptionStats stats;
  for (int s : {65530, 65531, 65533, 65535, 0, 1, 3}) {  // 65532, 65534 and 2 lost
    stats.on_packet(static_cast<std::uint16_t>(s), 0, 0);
  }
  EXPECT_EQ(stats.received(), 7u);
  EXPECT_EQ(stats.cumulative_lost(), 3);
  const auto block = stats.report(5);
  EXPECT_EQ(block.highest_sequence, 65536u + 3u);
  EXPECT_EQ(block.fraction_lost, 3 * 256 / 10);
  EXPECT_EQ(stats.report(5).fraction_lost, 0);  // nothing new since the last report
}

}  // namespace
}  // namespace sb::media
