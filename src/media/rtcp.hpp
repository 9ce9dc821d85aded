#pragma once
// RTCP (RFC 3550 §6) as far as a call needs it: the sender report we send every few seconds
// (our stream's packet and octet counts, and how we receive theirs), the report blocks the
// peer sends back (how it receives ours), and the receive statistics behind a report block:
// loss from sequence numbers (A.3) and interarrival jitter (A.8).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace sb::media {

/// 64-bit NTP time (seconds since 1900 in the high word, the fraction in the low one).
std::uint64_t ntp_from_wall_ms(EpochMs wall);

struct SenderInfo {
  std::uint32_t ssrc = 0;
  std::uint64_t ntp = 0;            ///< wall time of this report
  std::uint32_t rtp_timestamp = 0;  ///< the same instant on the stream's RTP clock
  std::uint32_t packets = 0;        ///< sent since the stream began (wraps)
  std::uint32_t octets = 0;         ///< payload bytes sent (wraps)
};

/// How one side receives one stream (RFC 3550 §6.4.1).
struct ReportBlock {
  std::uint32_t ssrc = 0;                 ///< the stream reported on
  std::uint8_t fraction_lost = 0;         ///< since the previous report, in 1/256
  std::int32_t cumulative_lost = 0;       ///< 24-bit signed (duplicates can make it negative)
  std::uint32_t highest_sequence = 0;     ///< extended: cycles << 16 | sequence
  std::uint32_t jitter = 0;               ///< RTP timestamp units
  std::uint32_t last_sr = 0;              ///< middle 32 bits of the last SR's NTP time
  std::uint32_t delay_since_last_sr = 0;  ///< in 1/65536 s
};

/// A compound packet: the sender report (with `block` when we receive the peer's stream) and
/// the SDES CNAME every compound packet must carry.
std::string build_sender_report(const SenderInfo& sender, const std::optional<ReportBlock>& block,
                                std::string_view cname);

struct RtcpReports {
  std::uint32_t sender_ssrc = 0;  ///< of the last SR or RR read
  std::vector<ReportBlock> blocks;
};
/// The report blocks of the SRs and RRs in a compound packet (other packet types skipped).
/// nullopt when the datagram is not RTCP or a length runs past its end.
std::optional<RtcpReports> parse_rtcp_reports(std::string_view datagram);

/// RFC 3550 A.8: J += (|D| - J) / 16, D the change in transit time between two packets.
/// Arrival times are in RTP timestamp units (the caller scales its clock to the stream's rate).
class InterarrivalJitter {
 public:
  void update(std::uint32_t arrival, std::uint32_t rtp_timestamp);
  std::uint32_t value() const { return static_cast<std::uint32_t>(jitter_); }

 private:
  bool first_ = true;
  std::int64_t transit_ = 0;
  double jitter_ = 0;
};

/// What we receive of one stream (one SSRC: start a new one when it changes).
class ReceptionStats {
 public:
  void on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp, std::uint32_t arrival);
  std::uint64_t received() const { return received_; }
  /// Expected from the sequence numbers minus received (A.3); negative with duplicates.
  std::int64_t cumulative_lost() const;
  std::uint32_t jitter() const { return jitter_.value(); }
  /// The block for the next report; the fraction lost is since the previous call.
  ReportBlock report(std::uint32_t ssrc);

 private:
  std::uint64_t expected() const;

  bool started_ = false;
  std::uint16_t base_ = 0;
  std::uint16_t max_ = 0;
  std::uint64_t cycles_ = 0;  ///< multiples of 65536 the sequence has wrapped
  std::uint64_t received_ = 0;
  std::uint64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  InterarrivalJitter jitter_;
};

}  // namespace sb::media
