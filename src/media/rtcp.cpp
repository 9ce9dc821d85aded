#include "media/rtcp.hpp"

#include <algorithm>
#include <cmath>

#include "media/rtp_packet.hpp"

namespace sb::media {

namespace {

constexpr std::uint8_t kSenderReport = 200;
constexpr std::uint8_t kReceiverReport = 201;
constexpr std::uint8_t kSourceDescription = 202;
constexpr std::uint64_t kNtpUnixOffset = 2'208'988'800;  // seconds from 1900 to 1970

// Version 2, `count` in the low five bits, then the type and the length in 32-bit words
// minus one (filled in by finish()).
std::size_t begin(std::string& out, std::uint8_t count, std::uint8_t type) {
  const auto at = out.size();
  out.push_back(static_cast<char>(0x80 | (count & 0x1f)));
  out.push_back(static_cast<char>(type));
  out.append(2, '\0');
  return at;
}

void finish(std::string& out, std::size_t at) {
  while ((out.size() - at) % 4 != 0) out.push_back('\0');
  const auto words = (out.size() - at) / 4 - 1;
  out[at + 2] = static_cast<char>(words >> 8 & 0xff);
  out[at + 3] = static_cast<char>(words & 0xff);
}

void append_block(std::string& out, const ReportBlock& block) {
  append_be(out, block.ssrc, 4);
  append_be(out, block.fraction_lost, 1);
  append_be(out, static_cast<std::uint32_t>(block.cumulative_lost) & 0xffffff, 3);
  append_be(out, block.highest_sequence, 4);
  append_be(out, block.jitter, 4);
  append_be(out, block.last_sr, 4);
  append_be(out, block.delay_since_last_sr, 4);
}

ReportBlock read_block(std::string_view bytes, std::size_t at) {
  ReportBlock block;
  block.ssrc = read_be(bytes, at, 4);
  block.fraction_lost = static_cast<std::uint8_t>(read_be(bytes, at + 4, 1));
  const auto lost = read_be(bytes, at + 5, 3);
  block.cumulative_lost = static_cast<std::int32_t>(lost << 8) >> 8;  // sign-extend 24 bits
  block.highest_sequence = read_be(bytes, at + 8, 4);
  block.jitter = read_be(bytes, at + 12, 4);
  block.last_sr = read_be(bytes, at + 16, 4);
  block.delay_since_last_sr = read_be(bytes, at + 20, 4);
  return block;
}

}  // namespace

std::uint64_t ntp_from_wall_ms(EpochMs wall) {
  const auto seconds = static_cast<std::uint64_t>(wall / 1000) + kNtpUnixOffset;
  const auto fraction = (static_cast<std::uint64_t>(wall % 1000) << 32) / 1000;
  return seconds << 32 | fraction;
}

std::string build_sender_report(const SenderInfo& sender, const std::optional<ReportBlock>& block,
                                std::string_view cname) {
  std::string out;
  const auto sr = begin(out, block ? 1 : 0, kSenderReport);
  append_be(out, sender.ssrc, 4);
  append_be(out, static_cast<std::uint32_t>(sender.ntp >> 32), 4);
  append_be(out, static_cast<std::uint32_t>(sender.ntp), 4);
  append_be(out, sender.rtp_timestamp, 4);
  append_be(out, sender.packets, 4);
  append_be(out, sender.octets, 4);
  if (block) append_block(out, *block);
  finish(out, sr);

  const auto sdes = begin(out, 1, kSourceDescription);
  append_be(out, sender.ssrc, 4);
  const auto name = cname.substr(0, 255);
  out.push_back(1);  // CNAME
  out.push_back(static_cast<char>(name.size()));
  out.append(name);
  out.push_back('\0');  // end of the item list, then padding to a word
  finish(out, sdes);
  return out;
}

std::optional<RtcpReports> parse_rtcp_reports(std::string_view datagram) {
  if (datagram.size() < 8) return std::nullopt;
  RtcpReports reports;
  std::size_t at = 0;
  while (at < datagram.size()) {
    if (datagram.size() - at < 4) return std::nullopt;
    const auto first = static_cast<std::uint8_t>(datagram[at]);
    const auto type = static_cast<std::uint8_t>(datagram[at + 1]);
    const std::size_t length = 4 * (read_be(datagram, at + 2, 2) + 1);
    if (first >> 6 != 2 || length > datagram.size() - at) return std::nullopt;
    if (type == kSenderReport || type == kReceiverReport) {
      const std::size_t blocks_at = at + (type == kSenderReport ? 28 : 8);
      const std::size_t count = first & 0x1f;
      if (blocks_at + 24 * count > at + length) return std::nullopt;
      reports.sender_ssrc = read_be(datagram, at + 4, 4);
      for (std::size_t i = 0; i < count; ++i)
        reports.blocks.push_back(read_block(datagram, blocks_at + 24 * i));
    }
    at += length;
  }
  return reports;
}

void InterarrivalJitter::update(std::uint32_t arrival, std::uint32_t rtp_timestamp) {
  const auto transit =
      static_cast<std::int64_t>(static_cast<std::int32_t>(arrival - rtp_timestamp));
  if (!first_) {
    const auto d = std::abs(transit - transit_);
    jitter_ += (static_cast<double>(d) - jitter_) / 16.0;
  }
  first_ = false;
  transit_ = transit;
}

void ReceptionStats::on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                               std::uint32_t arrival) {
  if (!started_) {
    started_ = true;
    base_ = max_ = sequence;
  } else if (sequence_delta(sequence, max_) > 0) {
    if (sequence < max_) cycles_ += 65536;  // wrapped past 65535
    max_ = sequence;
  }
  ++received_;
  jitter_.update(arrival, rtp_timestamp);
}

std::uint64_t ReceptionStats::expected() const {
  return started_ ? cycles_ + max_ - base_ + 1 : 0;
}

std::int64_t ReceptionStats::cumulative_lost() const {
  return static_cast<std::int64_t>(expected()) - static_cast<std::int64_t>(received_);
}

ReportBlock ReceptionStats::report(std::uint32_t ssrc) {
  ReportBlock block;
  block.ssrc = ssrc;
  const auto expected_now = expected();
  const auto expected_interval = static_cast<std::int64_t>(expected_now - expected_prior_);
  const auto received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  const auto lost_interval = expected_interval - received_interval;
  if (expected_interval > 0 && lost_interval > 0)
    block.fraction_lost = static_cast<std::uint8_t>(
        std::min<std::int64_t>(255, (lost_interval << 8) / expected_interval));
  expected_prior_ = expected_now;
  received_prior_ = received_;
  block.cumulative_lost =
      static_cast<std::int32_t>(std::clamp<std::int64_t>(cumulative_lost(), -0x800000, 0x7fffff));
  block.highest_sequence = static_cast<std::uint32_t>(cycles_ + max_);
  block.jitter = jitter();
  return block;
}

}  // namespace sb::media
