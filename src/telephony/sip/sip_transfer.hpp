#pragma once
// The REFER of a blind transfer to a SIP destination (transferPlan.sipVerb "refer"): its
// Refer-To and extra headers from the destination's sipUri and sipHeaders.

#include <boost/json/object.hpp>
#include <string>
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

}  // namespace sb::telephony::sip
