#pragma once
// RTP packets (RFC 3550 §5.1): the 12-byte fixed header, then CSRCs, an optional header
// extension and the payload, with optional padding at the end. Parsing checks every length
// against the datagram and refuses what does not fit (a peer's bytes are untrusted); the
// payload is a view into the datagram. Sequence numbers (16 bits) and timestamps (32 bits)
// wrap, so they are compared with the helpers below, never with < directly.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::media {

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;  ///< 7 bits
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
};

struct RtpPacket {
  RtpHeader header;
  std::uint8_t csrc_count = 0;  ///< CSRCs are skipped: a mixer's, of no use to a call
  std::string_view payload;     ///< into the parsed datagram; padding and extension removed
};

/// nullopt when the datagram is not a version-2 RTP packet whose CSRC list, extension and
/// padding all fit inside it.
std::optional<RtpPacket> parse_rtp(std::string_view datagram);
/// A packet with no CSRCs, extension or padding: what we send.
std::string serialize_rtp(const RtpHeader& header, std::string_view payload);

/// `a - b` in sequence space: positive when `a` is after `b` (by less than half the space).
inline int sequence_delta(std::uint16_t a, std::uint16_t b) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b));
}
/// `a - b` in timestamp space, as sequence_delta.
inline std::int64_t timestamp_delta(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b);
}

/// Big-endian fields, shared by RTP, RTCP and telephone events. The caller has checked that
/// the bytes are there.
inline std::uint32_t read_be(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i)
    value = value << 8 | static_cast<std::uint8_t>(bytes[at + i]);
  return value;
}
inline void append_be(std::string& out, std::uint32_t value, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<char>(value >> (8 * i) & 0xff));
}

}  // namespace sb::media
