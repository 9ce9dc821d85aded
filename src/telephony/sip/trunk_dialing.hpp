#pragma once
// The rules of dialling out through a `byo-sip-trunk` credential (pure, no I/O): which gateways
// an outbound call tries and in what order, the INVITE each gets (Request-URI, From, To, the
// Diversion header, digest credentials), and what a SIP final response means for the call
// (its endedReason, and whether the next gateway is tried).

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "telephony/sip/sip_events.hpp"

namespace sb::telephony::sip {

/// One INVITE to one gateway.
struct TrunkTarget {
  std::string gateway;             ///< "host:port" as configured, for logs
  std::string transport;           ///< "udp" or "tcp"
  std::string request_uri;         ///< sip:{techPrefix}{+?number}@host:port;transport=...
  std::string to_uri;              ///< sip:{+?number}@host:port (no tech prefix, no parameters)
  std::string from_uri;            ///< sip:{+?our number}@{our public host}
  std::vector<SipHeader> headers;  ///< Diversion, when the credential asks for it
  std::string auth_username;       ///< digest credentials; "" = none configured
  std::string auth_password;
};

/// The targets of one outbound call, in the credential's gateway order, and the gateways left
/// out with why (outboundEnabled false is not listed: that is the user's choice).
struct TrunkTargets {
  std::vector<TrunkTarget> targets;
  std::vector<std::string> skipped;  ///< e.g. "10.0.0.1:5061: tls is not supported"
};

/// `credential` is the byo-sip-trunk credential with its secrets (authPassword, in its plan or
/// apart under its path "outboundAuthenticationPlan.authPassword" as the store opens it);
/// `our_number` the byo-phone-number's `number`; `customer_number` the customer's number;
/// `our_host` this server's SIP host (--sip-public-host). Gateways with outboundEnabled (the
/// default) are tried at ip:port (port 5060 by default) over outboundProtocol (udp by
/// default; tcp works, tls and tls/srtp are skipped as unsupported). The numbers lose a
/// leading '+' unless outboundLeadingPlusEnabled, which adds one to a number of digits.
TrunkTargets trunk_targets(const boost::json::object& credential, const std::string& our_number,
                           const std::string& customer_number, const std::string& our_host);

/// Why `uri` (a customer's sipUri) cannot be dialled directly, or "" when it can: a sip: URI
/// with a host, over udp or tcp (its ;transport= parameter; sips: and tls are not supported).
std::string sip_uri_problem(const std::string& uri);

/// The one target of a call dialled straight to the customer's `uri` (sip_uri_problem() is
/// ""): the INVITE goes to the URI's host as it stands, From `from_user`@`our_host`, with no
/// credentials (no trunk stands between).
TrunkTarget uri_target(const std::string& uri, const std::string& from_user,
                       const std::string& our_host);

/// What a final answer to one INVITE means for the call.
struct DialOutcome {
  bool answered = false;     ///< 2xx
  bool try_next = false;     ///< another gateway may take the call (5xx, timeout, transport)
  std::string ended_reason;  ///< the Call's endedReason when the call ends here
};

/// `status` is the final response (sofia reports a timeout as 408 and a transport failure
/// as 503). 486/600/603 → customer-busy; 401/407 (a challenge not met: no credentials, or
/// ours refused) → the 407 reason; 403, 408, 480, 503 → their code-specific reasons; others
/// (404, 484, 488, …) → call.in-progress.error-sip-outbound-call-failed-to-connect. 5xx and
/// 408 let the next gateway try. A 487 after our own CANCEL is the canceller's to name (a
/// ring timeout is kNoAnswerReason).
DialOutcome dial_outcome(int status);

/// The endedReason when the customer's phone rang until we gave up (CANCEL).
inline constexpr const char* kNoAnswerReason = "customer-did-not-answer";
/// The endedReason when no gateway could be tried at all.
inline constexpr const char* kFailedToConnectReason =
    "call.in-progress.error-sip-outbound-call-failed-to-connect";

}  // namespace sb::telephony::sip
