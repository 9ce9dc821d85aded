#include "media/telephone_event.hpp"

#include <algorithm>
#include <string_view>

#include "media/rtp_packet.hpp"

namespace sb::media {

namespace {
constexpr std::string_view kDigits = "0123456789*#ABCD";
}

std::optional<TelephoneEvent> parse_telephone_event(std::string_view payload) {
  if (payload.size() < 4) return std::nullopt;
  const auto flags = static_cast<std::uint8_t>(payload[1]);
  TelephoneEvent event;
  event.event = static_cast<std::uint8_t>(payload[0]);
  event.end = flags & 0x80;
  event.volume = flags & 0x3f;
  event.duration = static_cast<std::uint16_t>(read_be(payload, 2, 2));
  return event;
}

std::string serialize_telephone_event(const TelephoneEvent& event) {
  std::string out;
  out.push_back(static_cast<char>(event.event));
  out.push_back(static_cast<char>((event.end ? 0x80 : 0) | (event.volume & 0x3f)));
  append_be(out, event.duration, 2);
  return out;
}

std::optional<char> digit_of_event(std::uint8_t event) {
  if (event >= kDigits.size()) return std::nullopt;
  return kDigits[event];
}

std::optional<std::uint8_t> event_of_digit(char digit) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  const auto at = kDigits.find(digit);
  if (at == std::string_view::npos) return std::nullopt;
  return static_cast<std::uint8_t>(at);
}

std::optional<char> TelephoneEventReceiver::on_packet(std::uint32_t ssrc, std::uint32_t timestamp,
                                                      std::string_view payload) {
  const auto event = parse_telephone_event(payload);
  if (!event) return std::nullopt;
  if (seen_ && ssrc == ssrc_ && timestamp == timestamp_) return std::nullopt;
  seen_ = true;
  ssrc_ = ssrc;
  timestamp_ = timestamp;
  return digit_of_event(event->event);
}

std::optional<std::vector<EventPacket>> telephone_event_packets(char digit,
                                                                std::chrono::milliseconds duration,
                                                                std::chrono::milliseconds interval,
                                                                int rate) {
  const auto code = event_of_digit(digit);
  if (!code || interval.count() <= 0) return std::nullopt;
  const auto step = static_cast<std::uint32_t>(interval.count() * rate / 1000);
  const auto steps = std::max<std::int64_t>(  // one packet per interval, rounded up
      1, (duration.count() + interval.count() - 1) / interval.count());
  std::vector<EventPacket> packets;
  TelephoneEvent event;
  event.event = *code;
  for (std::int64_t i = 1; i <= steps; ++i) {
    event.duration = static_cast<std::uint16_t>(std::min<std::uint32_t>(0xffff, step * i));
    packets.push_back({serialize_telephone_event(event), i == 1});
  }
  event.end = true;
  for (int i = 0; i < 3; ++i) packets.push_back({serialize_telephone_event(event), false});
  return packets;
}

}  // namespace sb::media
