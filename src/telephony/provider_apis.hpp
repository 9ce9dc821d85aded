#pragma once
// Where each telephony provider's REST API is. The defaults are the providers' own; the
// environment may aim them elsewhere (a local stand-in in tests).

#include <string>

namespace sb::telephony {

struct ProviderApis {
  std::string twilio = "https://api.twilio.com";
  /// Vonage serves numbers on one host and applications on another.
  std::string vonage_rest = "https://rest.nexmo.com";
  std::string vonage_api = "https://api.nexmo.com";
  std::string telnyx = "https://api.telnyx.com";

  /// The defaults, with TWILIO_API_BASE_URL, VONAGE_API_BASE_URL (both Vonage hosts) and
  /// TELNYX_API_BASE_URL applied where set. Read once, at start-up.
  static ProviderApis from_environment();
};

}  // namespace sb::telephony
