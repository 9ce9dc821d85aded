#pragma once
// What the SIP user agent tells the application, and what the application answers. The agent
// runs sofia-sip on a thread of its own; every SipEvents call is posted to the executor the
// application gave it (a call's strand will do), never made on the SIP thread. Answers go back
// through SipResponder, which may be called from any thread.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sb::telephony::sip {

/// The agent's id of one dialog (an INVITE and what follows it). Never reused within a run.
using DialogId = std::uint64_t;

/// An INVITE, as the routing of the call needs it.
struct SipInvite {
  DialogId dialog = 0;
  std::string call_id;
  std::string request_uri;  ///< e.g. sip:alice@sip.example.com
  std::string from;         ///< the From URI
  std::string to;           ///< the To URI
  std::string source;       ///< the peer's address, "ip:port" (for trunk gateways' netmasks)
  std::string transport;    ///< "udp" or "tcp"
  std::string sdp;          ///< the offer, "" if the INVITE carried none (a late offer)
  /// Extension headers ("X-..."), name as sent and value: template variables of the call.
  std::vector<std::pair<std::string, std::string>> x_headers;
};

/// The application's side. Implementations must answer each on_invite with exactly one
/// final response through SipResponder::respond (or have the dialog end first).
class SipEvents {
 public:
  virtual ~SipEvents() = default;
  virtual void on_invite(const SipInvite& invite) = 0;
  /// The caller cancelled before a final response; the agent already answered 487.
  virtual void on_cancelled(DialogId dialog) = 0;
  /// The dialog is over: BYE from the peer (already answered 200), or it failed or timed out.
  /// The last event of a dialog; its id is unknown to the agent afterwards.
  virtual void on_ended(DialogId dialog, const std::string& why) = 0;
  /// An INFO inside an established dialog (already answered 200), e.g. a keypad digit as
  /// application/dtmf-relay. `content_type` without its parameters, lower case.
  virtual void on_info(DialogId /*dialog*/, const std::string& /*content_type*/,
                       const std::string& /*body*/) {}
};

/// An extra header of a response, e.g. {"Warning", "399 host \"...\""}.
using SipHeader = std::pair<std::string, std::string>;

/// The agent's side, safe to call from any thread; calls about a dialog that is over are
/// ignored.
class SipResponder {
 public:
  virtual ~SipResponder() = default;
  /// A final or provisional response to the dialog's INVITE; `sdp` is the answer of a 2xx (or
  /// 183) and is sent as application/sdp.
  virtual void respond(DialogId dialog, int status, std::string reason,
                       std::vector<SipHeader> headers = {}, std::string sdp = {}) = 0;
  /// Ends an established dialog with BYE.
  virtual void hang_up(DialogId dialog) = 0;
};

}  // namespace sb::telephony::sip
