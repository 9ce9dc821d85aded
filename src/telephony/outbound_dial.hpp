#pragma once
// What dialling one call out asks a carrier for, whichever carrier it is.

#include <string>

namespace sb::telephony {

struct OutboundDial {
  std::string to;               ///< the customer, E.164
  std::string from;             ///< our number, E.164
  std::string stream_url;       ///< where the call's media stream connects back (wss://...)
  std::string call_id;          ///< our Call id
  std::string status_callback;  ///< https://.../<carrier>/outbound_status/{callId}
  int ring_seconds = 0;         ///< how long the phone rings; 0 leaves the carrier's default
};

}  // namespace sb::telephony
