#pragma once
// RFC 4733 telephone events: keypad digits sent as RTP packets of their own payload type
// (negotiated in SDP, 101 by custom) instead of tones in the audio. Each event is one RTP
// timestamp (its start) and several packets: a first one with the marker bit, updates with a
// growing duration, and the end packet sent three times (UDP may lose one).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::media {

struct TelephoneEvent {
  std::uint8_t event = 0;  ///< 0-9, 10 '*', 11 '#', 12-15 'A'-'D'
  bool end = false;
  std::uint8_t volume = 10;    ///< 0 to 63, in -dBm0 (power level of the tone)
  std::uint16_t duration = 0;  ///< in RTP timestamp units since the event's start
};

/// nullopt when the payload is shorter than the 4-byte event.
std::optional<TelephoneEvent> parse_telephone_event(std::string_view payload);
std::string serialize_telephone_event(const TelephoneEvent& event);

/// '0'-'9', '*', '#', 'A'-'D' for events 0-15; nullopt for the others (flash, tones).
std::optional<char> digit_of_event(std::uint8_t event);
/// The inverse; lower-case 'a'-'d' too.
std::optional<std::uint8_t> event_of_digit(char digit);

/// Tells each pressed digit once, whatever reaches us of its packets: the first packet of a
/// new event (a new RTP timestamp or SSRC) names it, the rest (updates, the three end packets)
/// are the same press. So a press whose start was lost is still told, at its first update or
/// end packet.
class TelephoneEventReceiver {
 public:
  std::optional<char> on_packet(std::uint32_t ssrc, std::uint32_t timestamp,
                                std::string_view payload);

 private:
  bool seen_ = false;
  std::uint32_t ssrc_ = 0;
  std::uint32_t timestamp_ = 0;
};

/// One packet of a digit being sent; all of a digit's packets share its RTP timestamp.
struct EventPacket {
  std::string payload;
  bool marker = false;
};

/// The packets of one digit, one per `interval` (each is sent in place of an audio frame):
/// the first with the marker, an update per interval until `duration`, then three end
/// packets. `rate` is the clock rate (8000 for telephone-event/8000). nullopt for a character
/// that is not a digit.
std::optional<std::vector<EventPacket>> telephone_event_packets(
    char digit, std::chrono::milliseconds duration = std::chrono::milliseconds(100),
    std::chrono::milliseconds interval = std::chrono::milliseconds(20), int rate = 8'000);

}  // namespace sb::media
