#pragma once
// Outbound dialogs of the SIP user agent: the application places an INVITE (SipDialer::dial)
// and hears what becomes of it (SipDialEvents), and pings gateways with OPTIONS (SipPinger).
// As with SipEvents, every event is posted to the executor the agent was given, never run on
// the SIP thread; SipDialer and SipPinger may be called from any thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "telephony/sip/sip_events.hpp"

namespace sb::telephony::sip {

/// Outbound dialogs' ids have the top bit set, so they never meet an inbound dialog's id.
inline constexpr DialogId kOutboundDialogBit = DialogId{1} << 63;

/// One INVITE to place.
struct SipDialRequest {
  std::string request_uri;         ///< where it goes: sip:user@host:port;transport=udp|tcp
  std::string to_uri;              ///< the To header's URI ("" = request_uri)
  std::string from_uri;            ///< the From header's URI ("" = the agent's own address)
  std::vector<SipHeader> headers;  ///< extra headers (Diversion, X-...)
  std::string sdp;                 ///< our offer (make_offer), sent as application/sdp
  /// Digest credentials to answer a 401/407 with, once; "" = a challenge ends the attempt.
  std::string auth_username;
  std::string auth_password;
};

/// A response to the INVITE.
struct SipDialResponse {
  int status = 0;
  std::string reason;   ///< the reason phrase
  std::string sdp;      ///< the body of a 18x or 2xx, when application/sdp
  std::string call_id;  ///< the dialog's Call-ID (for logs and the call's record)
};

/// What becomes of a placed INVITE, in order: any number of on_progress, then either
/// on_failed (the last event), or on_answered and later on_ended (the last event).
class SipDialEvents {
 public:
  virtual ~SipDialEvents() = default;
  /// 180 Ringing or 183 Session Progress (100 Trying is not reported).
  virtual void on_progress(DialogId dialog, const SipDialResponse& response) = 0;
  /// 2xx: the agent has sent the ACK; `response.sdp` is the answer to our offer.
  virtual void on_answered(DialogId dialog, const SipDialResponse& response) = 0;
  /// A final failure (after the one digest retry, when there were credentials): 3xx-6xx from
  /// the peer, 408 when nothing answered, 503 when the transport failed, 487 after our CANCEL.
  virtual void on_failed(DialogId dialog, const SipDialResponse& response) = 0;
  /// An answered dialog is over: the peer's BYE (answered 200) or ours. `why` e.g. "BYE".
  virtual void on_ended(DialogId dialog, const std::string& why) = 0;
};

class SipDialer {
 public:
  virtual ~SipDialer() = default;
  /// Sends the INVITE; `events` is kept until the dialog's last event. The id is returned at
  /// once (the INVITE goes out on the SIP thread). A dialer that is not running reports
  /// on_failed 503 at once.
  virtual DialogId dial(SipDialRequest request, std::shared_ptr<SipDialEvents> events) = 0;
  /// Ends an outbound dialog: CANCEL while it rings (it then fails with 487), BYE once
  /// answered (then on_ended). Ignored when the dialog is over.
  virtual void hang_up(DialogId dialog) = 0;
};

class SipPinger {
 public:
  virtual ~SipPinger() = default;
  /// Sends OPTIONS to `uri` (sip:host:port;transport=...). `done` gets the final status (408
  /// when nothing answered, 503 when the transport failed), posted to the agent's executor.
  virtual void ping(const std::string& uri, std::function<void(int status)> done) = 0;
};

/// Blind transfers of an established dialog, inbound or outbound (transferPlan.sipVerb
/// "refer"; "bye" is SipResponder/SipDialer::hang_up).
class SipTransfers {
 public:
  virtual ~SipTransfers() = default;
  /// Sends REFER with `refer_to` (the Refer-To header's value, e.g. "<sip:desk@pbx>") and the
  /// extra `headers`. `done` gets the REFER's final status (202 = the peer took the transfer
  /// on; it then calls the target itself), or 481 when the dialog is not established, is
  /// over, or has a REFER under way (503 when the agent is not running). After a 2xx,
  /// `outcome` (when set) gets the status line of the first NOTIFY whose message/sipfrag body
  /// is a final response (200 = the target answered; 486, 603, ... = it did not), once; it is
  /// never called when the dialog ends first or no such NOTIFY comes. Both are posted to the
  /// agent's executor. The dialog goes on either way: hang it up once the transfer is done.
  virtual void refer(DialogId dialog, std::string refer_to, std::vector<SipHeader> headers,
                     std::function<void(int status)> done,
                     std::function<void(int status)> outcome) = 0;
};

/// INFO requests inside an established dialog (DTMF as application/dtmf-relay).
class SipInfoSender {
 public:
  virtual ~SipInfoSender() = default;
  /// Sends INFO with this body; what the peer answers is only logged. Ignored when the
  /// dialog is not established or is over.
  virtual void info(DialogId dialog, std::string content_type, std::string body) = 0;
};

}  // namespace sb::telephony::sip
