#include "telephony/sip/sdp_negotiation.hpp"

#include <strings.h>

#include <string>

namespace sb::telephony::sip {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<media::G711Law> g711(const SdpFormat& f) {
  if (f.clock_rate != 8000 || f.channels != 1) return std::nullopt;
  if (same_name(f.encoding, "PCMU")) return media::G711Law::kMulaw;
  if (same_name(f.encoding, "PCMA")) return media::G711Law::kAlaw;
  return std::nullopt;
}

const SdpFormat* telephone_event(const SdpMedia& m) {
  for (const auto& f : m.formats)
    if (same_name(f.encoding, "telephone-event") && f.clock_rate == 8000) return &f;
  return nullptr;
}

// Plain RTP: SRTP (SAVP) needs keys this server has no way to agree on yet.
bool usable_audio(const SdpMedia& m) {
  return m.media == "audio" && m.port != 0 && (m.protocol == "RTP/AVP" || m.protocol == "RTP/AVPF");
}

Direction mirrored(Direction d) {
  switch (d) {
    case Direction::kSendOnly:
      return Direction::kRecvOnly;
    case Direction::kRecvOnly:
      return Direction::kSendOnly;
    default:
      return d;
  }
}

// The offerer's direction, with an old-style hold address taken to mean it receives nothing.
Direction effective(const SdpMedia& m) {
  if (!m.null_address()) return m.direction;
  if (m.direction == Direction::kSendRecv) return Direction::kSendOnly;
  if (m.direction == Direction::kRecvOnly) return Direction::kInactive;
  return m.direction;
}

// The stream as agreed, seen from this side, if a codec was found.
std::optional<AgreedAudio> agree(const SdpMedia& m, Direction ours) {
  for (const auto& f : m.formats) {
    const auto codec = g711(f);
    if (!codec) continue;
    AgreedAudio a;
    a.codec = *codec;
    a.payload_type = f.payload_type;
    if (const auto* te = telephone_event(m)) a.telephone_event_type = te->payload_type;
    a.remote_address = m.connection_address;
    a.remote_rtp_port = m.port;
    a.remote_rtcp_port = m.rtcp_port ? *m.rtcp_port : static_cast<std::uint16_t>(m.port + 1);
    a.direction = ours;
    a.remote_ptime = m.ptime.value_or(kPacketTimeMs);
    return a;
  }
  return std::nullopt;
}

std::string address_type(const std::string& address) {
  return address.find(':') == std::string::npos ? "IP4" : "IP6";
}

std::string session_lines(const LocalMedia& local) {
  const auto type = address_type(local.address);
  return "v=0\r\no=switchboard " + std::to_string(local.session_id) + " " +
         std::to_string(local.session_version) + " IN " + type + " " + local.address +
         "\r\ns=switchboard\r\nc=IN " + type + " " + local.address + "\r\nt=0 0\r\n";
}

std::string rtpmap(int pt, std::string_view encoding) {
  return "a=rtpmap:" + std::to_string(pt) + " " + std::string(encoding) + "/8000\r\n";
}

std::string codec_name(media::G711Law law) {
  return law == media::G711Law::kMulaw ? "PCMU" : "PCMA";
}

std::string rejected(const SdpMedia& m) {
  // RFC 3264 6: a rejected stream keeps its media, protocol and at least one offered format.
  const std::string format = m.format_tokens.empty() ? "0" : m.format_tokens.front();
  return "m=" + m.media + " 0 " + m.protocol + " " + format + "\r\n";
}

std::string accepted(const AgreedAudio& a, const SdpMedia& offered, const LocalMedia& local) {
  std::string out = "m=audio " + std::to_string(local.rtp_port) + " " + offered.protocol + " " +
                    std::to_string(a.payload_type);
  if (a.telephone_event_type) out += " " + std::to_string(*a.telephone_event_type);
  out += "\r\n" + rtpmap(a.payload_type, codec_name(a.codec));
  if (a.telephone_event_type) {
    const auto* te = offered.format(*a.telephone_event_type);
    // The offerer's event list ("0-15", "0-11,16") is kept; anything else is not echoed.
    const bool event_list =
        te && !te->fmtp.empty() && te->fmtp.find_first_not_of("0123456789,-") == std::string::npos;
    const std::string events = event_list ? te->fmtp : "0-16";
    out += rtpmap(*a.telephone_event_type, "telephone-event");
    out += "a=fmtp:" + std::to_string(*a.telephone_event_type) + " " + events + "\r\n";
  }
  out += "a=ptime:" + std::to_string(kPacketTimeMs) + "\r\n";
  out += "a=" + std::string(direction_name(mirrored(effective(offered)))) + "\r\n";
  return out;
}

}  // namespace

Answer answer_offer(const SessionDescription& offer, const LocalMedia& local) {
  Answer answer;
  answer.sdp = session_lines(local);
  for (const auto& m : offer.media) {
    std::optional<AgreedAudio> agreed;
    if (!answer.audio && usable_audio(m)) agreed = agree(m, mirrored(effective(m)));
    if (!agreed) {
      answer.sdp += rejected(m);
      continue;
    }
    answer.sdp += accepted(*agreed, m, local);
    answer.audio = std::move(agreed);
  }
  return answer;
}

std::string make_offer(const LocalMedia& local) {
  const auto te = std::to_string(kOfferedTelephoneEventType);
  return session_lines(local) + "m=audio " + std::to_string(local.rtp_port) + " RTP/AVP 0 8 " + te +
         "\r\n" + rtpmap(0, "PCMU") + rtpmap(8, "PCMA") +
         rtpmap(kOfferedTelephoneEventType, "telephone-event") + "a=fmtp:" + te +
         " 0-16\r\na=ptime:" + std::to_string(kPacketTimeMs) + "\r\na=sendrecv\r\n";
}

std::optional<AgreedAudio> read_answer(const SessionDescription& answer) {
  for (const auto& m : answer.media) {
    if (!usable_audio(m)) continue;
    auto agreed = agree(m, mirrored(effective(m)));
    if (!agreed) continue;
    // Only payload types this server offered can carry events back to it.
    const auto* te = telephone_event(m);
    if (te && te->payload_type != kOfferedTelephoneEventType) agreed->telephone_event_type.reset();
    return agreed;
  }
  return std::nullopt;
}

}  // namespace sb::telephony::sip
