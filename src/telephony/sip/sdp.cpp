#include "telephony/sip/sdp.hpp"

#include <charconv>
#include <string>

namespace sb::telephony::sip {
namespace {

// The static payload types of RFC 3551 a peer may list without an rtpmap.
struct StaticFormat {
  int payload_type;
  const char* encoding;
  int clock_rate;
};
constexpr StaticFormat kStaticFormats[] = {
    {0, "PCMU", 8000}, {3, "GSM", 8000}, {4, "G723", 8000},  {8, "PCMA", 8000},
    {9, "G722", 8000}, {13, "CN", 8000}, {18, "G729", 8000},
};

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

[[noreturn]] void fail(std::size_t line, std::string_view what, std::string_view text) {
  // The offending text is quoted shortened: it came from the network.
  const std::string shown(text.substr(0, 80));
  throw SdpError("SDP line " + std::to_string(line) + ": " + std::string(what) + " (\"" + shown +
                 "\")");
}

// A whole decimal number in [low, high], or nullopt.
std::optional<int> number(std::string_view text, int low, int high) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < low || value > high)
    return std::nullopt;
  return value;
}

struct Connection {
  std::string address;
  bool ipv6 = false;
};

// c=IN IP4 192.0.2.1 (a multicast "/ttl" suffix is dropped: unicast is all a call uses).
Connection parse_connection(std::string_view value, std::size_t line) {
  const auto words = split_spaces(value);
  if (words.size() != 3 || words[0] != "IN" || (words[1] != "IP4" && words[1] != "IP6"))
    fail(line, "c= must be \"IN IP4|IP6 ADDRESS\"", value);
  std::string_view address = words[2].substr(0, words[2].find('/'));
  if (address.empty()) fail(line, "c= has an empty address", value);
  return {std::string(address), words[1] == "IP6"};
}

SdpMedia parse_media_line(std::string_view value, std::size_t line) {
  const auto words = split_spaces(value);
  if (words.size() < 4) fail(line, "m= must be \"MEDIA PORT PROTO FORMAT...\"", value);
  SdpMedia m;
  m.media = std::string(words[0]);
  const auto port = number(words[1].substr(0, words[1].find('/')), 0, 65535);
  if (!port) fail(line, "m= port is not a number from 0 to 65535", value);
  m.port = static_cast<std::uint16_t>(*port);
  m.protocol = std::string(words[2]);
  for (std::size_t i = 3; i < words.size(); ++i) m.format_tokens.emplace_back(words[i]);
  if (!m.is_rtp()) return m;
  for (const auto& token : m.format_tokens) {
    const auto pt = number(token, 0, 127);
    if (!pt) fail(line, "m= payload type is not a number from 0 to 127", value);
    SdpFormat f;
    f.payload_type = *pt;
    for (const auto& s : kStaticFormats)
      if (s.payload_type == *pt) f.encoding = s.encoding, f.clock_rate = s.clock_rate;
    m.formats.push_back(std::move(f));
  }
  return m;
}

// "a=rtpmap:101 telephone-event/8000" → the format it describes, if the m= line lists it.
void apply_rtpmap(SdpMedia& m, std::string_view value, std::size_t line) {
  const auto space = value.find(' ');
  const auto pt = number(value.substr(0, space), 0, 127);
  if (!pt || space == std::string_view::npos)
    fail(line, "a=rtpmap must be \"PT NAME/RATE\"", value);
  const auto spec = trim(value.substr(space + 1));
  const auto slash = spec.find('/');
  if (slash == 0 || slash == std::string_view::npos)
    fail(line, "a=rtpmap must be \"PT NAME/RATE\"", value);
  const auto rest = spec.substr(slash + 1);
  const auto slash2 = rest.find('/');
  const auto rate = number(rest.substr(0, slash2), 1, 1'000'000);
  if (!rate) fail(line, "a=rtpmap clock rate is not a number", value);
  int channels = 1;
  if (slash2 != std::string_view::npos) {
    const auto c = number(rest.substr(slash2 + 1), 1, 255);
    if (!c) fail(line, "a=rtpmap channel count is not a number", value);
    channels = *c;
  }
  for (auto& f : m.formats) {
    if (f.payload_type != *pt) continue;
    f.encoding = std::string(spec.substr(0, slash));
    f.clock_rate = *rate;
    f.channels = channels;
  }
}

void apply_fmtp(SdpMedia& m, std::string_view value) {
  const auto space = value.find(' ');
  const auto pt = number(value.substr(0, space), 0, 127);
  if (!pt) return;  // a format parameter we could not use anyway
  for (auto& f : m.formats)
    if (f.payload_type == *pt && space != std::string_view::npos)
      f.fmtp = std::string(trim(value.substr(space + 1)));
}

std::optional<Direction> direction_of(std::string_view attribute) {
  if (attribute == "sendrecv") return Direction::kSendRecv;
  if (attribute == "sendonly") return Direction::kSendOnly;
  if (attribute == "recvonly") return Direction::kRecvOnly;
  if (attribute == "inactive") return Direction::kInactive;
  return std::nullopt;
}

// One a= line of an m= section (media != nullptr) or of the session.
void apply_attribute(SdpMedia* media, std::optional<Direction>& session_dir, std::string_view value,
                     std::size_t line) {
  const auto colon = value.find(':');
  const auto name = value.substr(0, colon);
  const auto arg = colon == std::string_view::npos ? std::string_view() : value.substr(colon + 1);
  if (const auto dir = direction_of(name)) {
    if (media) {
      media->direction = *dir;
    } else {
      session_dir = *dir;
    }
    return;
  }
  if (!media) return;  // other session attributes (ice-ufrag, group, ...) do not concern us
  if (name == "rtpmap" && media->is_rtp()) {
    apply_rtpmap(*media, arg, line);
  } else if (name == "fmtp" && media->is_rtp()) {
    apply_fmtp(*media, arg);
  } else if (name == "ptime") {
    const auto ms = number(trim(arg), 1, 10'000);
    if (!ms) fail(line, "a=ptime is not a number of milliseconds", value);
    media->ptime = *ms;
  } else if (name == "rtcp") {
    const auto words = split_spaces(arg);
    const auto port = words.empty() ? std::nullopt : number(words[0], 1, 65535);
    if (!port) fail(line, "a=rtcp port is not a number from 1 to 65535", value);
    media->rtcp_port = static_cast<std::uint16_t>(*port);
  }
}

}  // namespace

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

bool SdpMedia::is_rtp() const {
  return protocol.rfind("RTP/", 0) == 0 || protocol.find("/RTP/") != std::string::npos;
}

bool SdpMedia::null_address() const {
  return connection_address == "0.0.0.0" || connection_address == "::";
}

const SdpFormat* SdpMedia::format(int payload_type) const {
  for (const auto& f : formats)
    if (f.payload_type == payload_type) return &f;
  return nullptr;
}

SessionDescription parse_sdp(std::string_view text) {
  if (text.size() > kMaxSdpSize)
    throw SdpError("SDP is larger than " + std::to_string(kMaxSdpSize) + " bytes");
  SessionDescription sdp;
  std::optional<Direction> session_dir;
  std::vector<bool> media_has_c, media_has_dir;
  bool saw_origin = false, saw_name = false, session_ipv6 = false;
  std::size_t number_of_line = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number_of_line;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (raw.empty()) continue;  // a trailing blank line, as some stacks send
    // RFC 4566's text excludes NUL, CR and LF inside a line; an answer echoing such bytes (a
    // rejected m= line is echoed) would not be SDP.
    if (raw.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos)
      fail(number_of_line, "a NUL or CR inside the line", raw);
    if (raw.size() < 2 || raw[1] != '=') fail(number_of_line, "not a \"x=value\" line", raw);
    const char type = raw[0];
    const auto value = trim(raw.substr(2));
    if (number_of_line == 1 && type != 'v') fail(number_of_line, "must start with v=0", raw);
    SdpMedia* media = sdp.media.empty() ? nullptr : &sdp.media.back();
    switch (type) {
      case 'v':
        if (value != "0") fail(number_of_line, "only SDP version 0 is known", raw);
        break;
      case 'o': {
        const auto w = split_spaces(value);
        if (w.size() != 6 || w[3] != "IN")
          fail(number_of_line, "o= must be \"USER ID VERSION IN IP4|IP6 ADDRESS\"", raw);
        sdp.origin_user = std::string(w[0]);
        sdp.session_id = std::string(w[1]);
        sdp.session_version = std::string(w[2]);
        sdp.origin_address = std::string(w[5]);
        saw_origin = true;
        break;
      }
      case 's':
        sdp.session_name = std::string(value);
        saw_name = true;
        break;
      case 'c': {
        auto c = parse_connection(value, number_of_line);
        if (media) {
          media->connection_address = std::move(c.address);
          media->ipv6 = c.ipv6;
          media_has_c.back() = true;
        } else {
          sdp.connection_address = std::move(c.address);
          session_ipv6 = c.ipv6;
        }
        break;
      }
      case 'm':
        sdp.media.push_back(parse_media_line(value, number_of_line));
        media_has_c.push_back(false);
        media_has_dir.push_back(false);
        break;
      case 'a':
        apply_attribute(media, session_dir, value, number_of_line);
        if (media && direction_of(value)) media_has_dir.back() = true;
        break;
      default:
        break;  // i= u= e= p= b= t= r= z= k=: nothing a call needs
    }
  }
  if (!saw_origin) throw SdpError("SDP has no o= line");
  if (!saw_name) throw SdpError("SDP has no s= line");
  for (std::size_t i = 0; i < sdp.media.size(); ++i) {
    auto& m = sdp.media[i];
    if (!media_has_c[i]) {
      m.connection_address = sdp.connection_address;
      m.ipv6 = session_ipv6;
    }
    if (!media_has_dir[i] && session_dir) m.direction = *session_dir;
    if (m.port != 0 && m.connection_address.empty())
      throw SdpError("SDP m= line " + std::to_string(i + 1) + " (" + m.media +
                     ") has no connection address, at media or session level");
  }
  return sdp;
}

}  // namespace sb::telephony::sip
