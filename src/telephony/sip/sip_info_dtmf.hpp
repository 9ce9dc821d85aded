#pragma once
// Keypad digits in SIP INFO requests (the de-facto format of Cisco and most PBXs, as the dtmf
// tool's sipInfoDtmfEnabled uses it): application/dtmf-relay bodies "Signal=5\r\nDuration=160\r\n",
// and application/dtmf bodies that are the digit alone.

#include <optional>
#include <string>
#include <string_view>

namespace sb::telephony::sip {

inline constexpr const char* kDtmfRelayType = "application/dtmf-relay";

/// The digit ('0'-'9', '*', '#', 'A'-'D', upper case) an INFO body of `content_type` (lower
/// case, without parameters) carries; nullopt for another type, no Signal line, or a signal
/// that is no key (flash "16", several characters). Signal=10 and 11 (RFC 4733's numbers for
/// '*' and '#', sent by some phones) are read as those keys.
std::optional<char> info_dtmf_digit(std::string_view content_type, std::string_view body);

/// The application/dtmf-relay body of one key press lasting `duration_ms`.
std::string dtmf_relay_body(char digit, int duration_ms);

}  // namespace sb::telephony::sip
