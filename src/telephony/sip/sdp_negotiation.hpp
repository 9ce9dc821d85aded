#pragma once
// Offer/answer (RFC 3264) for a voice call: what the server answers to a peer's offer, the
// offer it makes on outbound calls, and what was agreed. The server speaks G.711 (PCMU, then
// PCMA) at 20 ms packets and RFC 4733 telephone-events; one audio stream per call.

#include <cstdint>
#include <optional>
#include <string>

#include "media/g711_link.hpp"
#include "telephony/sip/sdp.hpp"

namespace sb::telephony::sip {

/// Where and how this server takes media: the address put in c= and o= (--sip-public-host)
/// and the RTP port of the call. o='s session id and version are the caller's to keep (the
/// version goes up with each new description in a dialog).
struct LocalMedia {
  std::string address;
  std::uint16_t rtp_port = 0;
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
};

/// The audio stream both sides agreed on.
struct AgreedAudio {
  media::G711Law codec = media::G711Law::kMulaw;  ///< PCMU (μ-law) or PCMA (A-law)
  int payload_type = 0;                           ///< as the offer numbered it
  std::optional<int> telephone_event_type;        ///< RFC 4733 events' payload type, if agreed
  std::string remote_address;                     ///< where RTP is sent
  std::uint16_t remote_rtp_port = 0;
  std::uint16_t remote_rtcp_port = 0;  ///< a=rtcp, else RTP port + 1
  /// From this server's side: kSendOnly means send but do not expect audio back.
  Direction direction = Direction::kSendRecv;
  int remote_ptime = 20;  ///< the peer's a=ptime (20 if absent)
};

struct Answer {
  std::string sdp;  ///< the answer's text, one m= line per offered one
  /// The audio stream accepted; nullopt when none could be (the INVITE then gets a 488).
  std::optional<AgreedAudio> audio;
};

/// The payload type of telephone-event in this server's own offers.
constexpr int kOfferedTelephoneEventType = 101;
/// The packet time this server sends and asks for.
constexpr int kPacketTimeMs = 20;

/// Answers an offer: the first RTP/AVP audio stream with a port is accepted with the first of
/// PCMU/PCMA in the offer's order (the offerer's preference, RFC 3264 6.1), telephone-event
/// (8000 Hz) under the offerer's payload type when offered, ptime 20, and the direction
/// mirrored (c=0.0.0.0 counting as the offerer not receiving). Every other m= line (video, a
/// second audio stream, SRTP-only, no common codec) is answered with port 0.
Answer answer_offer(const SessionDescription& offer, const LocalMedia& local);

/// This server's offer for an outbound call: PCMU, PCMA and telephone-event 101, sendrecv.
std::string make_offer(const LocalMedia& local);

/// Reads the peer's answer to make_offer(): the audio stream it accepted, nullopt if it
/// rejected it (port 0) or picked no codec the offer had.
std::optional<AgreedAudio> read_answer(const SessionDescription& answer);

}  // namespace sb::telephony::sip
