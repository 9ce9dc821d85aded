#include "media/rtp_packet.hpp"

namespace sb::media {

namespace {
constexpr std::size_t kFixedHeader = 12;
}

std::optional<RtpPacket> parse_rtp(std::string_view datagram) {
  if (datagram.size() < kFixedHeader) return std::nullopt;
  const auto first = static_cast<std::uint8_t>(datagram[0]);
  const auto second = static_cast<std::uint8_t>(datagram[1]);
  if (first >> 6 != 2) return std::nullopt;
  const bool padding = first & 0x20;
  const bool extension = first & 0x10;
  RtpPacket packet;
  packet.csrc_count = first & 0x0f;
  packet.header.marker = second & 0x80;
  packet.header.payload_type = second & 0x7f;
  packet.header.sequence = static_cast<std::uint16_t>(read_be(datagram, 2, 2));
  packet.header.timestamp = read_be(datagram, 4, 4);
  packet.header.ssrc = read_be(datagram, 8, 4);

  std::size_t start = kFixedHeader + 4u * packet.csrc_count;
  if (start > datagram.size()) return std::nullopt;
  if (extension) {  // 16-bit profile id, 16-bit length in 32-bit words, then the words
    if (start + 4 > datagram.size()) return std::nullopt;
    start += 4 + 4u * read_be(datagram, start + 2, 2);
    if (start > datagram.size()) return std::nullopt;
  }
  std::size_t end = datagram.size();
  if (padding) {  // the last byte counts the padding bytes, itself included
    const auto pad = static_cast<std::uint8_t>(datagram.back());
    if (pad == 0 || pad > end - start) return std::nullopt;
    end -= pad;
  }
  packet.payload = datagram.substr(start, end - start);
  return packet;
}

std::string serialize_rtp(const RtpHeader& header, std::string_view payload) {
  std::string out;
  out.reserve(kFixedHeader + payload.size());
  out.push_back(static_cast<char>(0x80));  // version 2, no padding, extension or CSRCs
  out.push_back(static_cast<char>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7f)));
  append_be(out, header.sequence, 2);
  append_be(out, header.timestamp, 4);
  append_be(out, header.ssrc, 4);
  out.append(payload);
  return out;
}

}  // namespace sb::media
