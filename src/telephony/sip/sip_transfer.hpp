#pragma once
// The REFER of a blind transfer to a SIP destination (transferPlan.sipVerb "refer"): its
// Refer-To and extra headers from the destination's sipUri and sipHeaders.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telephony/sip/sip_events.hpp"

namespace sb::telephony::sip {

struct ReferRequest {
  std::string refer_to;            ///< the Refer-To header's value, "<sip:...>"
  std::vector<SipHeader> headers;  ///< headers of the REFER itself
};

/// `sip_uri` is the destination's sipUri; `sip_headers` its sipHeaders (name → value; a value
/// that is not a string is sent as its JSON text), or nullptr. With `headers_in_refer_to`
/// (sipHeadersInReferToEnabled) they go into the Refer-To URI as its ?name=value&... headers
/// (RFC 3261 19.1.1), escaped; otherwise they are headers of the REFER.
ReferRequest refer_request(const std::string& sip_uri, const boost::json::object* sip_headers,
                           bool headers_in_refer_to);

/// The status code of a message/sipfrag body's status line ("SIP/2.0 200 OK" → 200), as a
/// REFER's NOTIFY carries it (RFC 3515 2.4.5); nullopt when the body starts with no status line.
std::optional<int> sipfrag_status(std::string_view body);

}  // namespace sb::telephony::sip
