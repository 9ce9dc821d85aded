#pragma once
// Session descriptions (RFC 4566) as SIP peers send them in INVITEs and their answers: the
// parts a voice call needs (the session's origin and connection address, each m= line with
// its formats, rtpmap/fmtp/ptime/rtcp and direction). Everything else (ICE candidates, SRTP
// crypto, bandwidth, ssrc, ...) is skipped. Parsing never trusts the input: any line it needs
// that is malformed is an SdpError naming the line.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sb::telephony::sip {

/// A description the parser refuses; what() names the line and what is wrong with it.
class SdpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// a=sendrecv / sendonly / recvonly / inactive, from the describing side's point of view.
enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };

std::string_view direction_name(Direction d);

/// One payload format of an m= line: its number and, from a=rtpmap or the static table of
/// RFC 3551, its encoding ("" when neither names it).
struct SdpFormat {
  int payload_type = 0;
  std::string encoding;  ///< as written ("PCMU", "telephone-event", "opus")
  int clock_rate = 0;
  int channels = 1;
  std::string fmtp;  ///< a=fmtp parameters, "" if none
};

struct SdpMedia {
  std::string media;       ///< "audio", "video", "application", ...
  std::uint16_t port = 0;  ///< 0: the stream is disabled (or rejected, in an answer)
  std::string protocol;    ///< "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", ...
  std::vector<std::string> format_tokens;  ///< the m= line's formats as written
  std::vector<SdpFormat> formats;          ///< those of an RTP protocol, in the m= order
  /// The address RTP goes to: the media's c= line, else the session's.
  std::string connection_address;
  bool ipv6 = false;
  Direction direction = Direction::kSendRecv;  ///< the media's attribute, else the session's
  std::optional<int> ptime;                    ///< milliseconds
  std::optional<std::uint16_t> rtcp_port;      ///< a=rtcp; RTP port + 1 when absent

  bool is_rtp() const;
  /// c=0.0.0.0 (or ::): the old (RFC 2543) way of saying "do not send to me", i.e. hold.
  bool null_address() const;
  const SdpFormat* format(int payload_type) const;
};

struct SessionDescription {
  std::string origin_user;
  std::string session_id;
  std::string session_version;
  std::string origin_address;
  std::string session_name;
  std::string connection_address;  ///< session-level c=, "" if none
  std::vector<SdpMedia> media;
};

/// The largest description parse_sdp reads; SIP bodies are far smaller.
constexpr std::size_t kMaxSdpSize = 64 * 1024;

/// Parses a description (CRLF or LF line ends). Throws SdpError when it is not one: empty or
/// too large, no v=0 first, no o= or s=, a malformed o=/c=/m=/rtpmap/ptime/rtcp line, or an
/// enabled m= line without a connection address at either level.
SessionDescription parse_sdp(std::string_view text);

}  // namespace sb::telephony::sip
