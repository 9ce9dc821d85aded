#pragma once
// SIP calls into the server: the SipEvents behind the SIP agent. An INVITE is checked (an SDP
// offer with PCMU or PCMA, room for one more call), then routed by the one inbound routing
// engine (InboundCalls: hooks, assistant or squad, assistant-request, fallback) to the number
// it rings — a vapi number by its sipUri's user, or a byo-phone-number by the dialled number
// when a gateway of its byo-sip-trunk credential admits the INVITE's source. A call an
// assistant takes is adopted by the live calls, gets an RtpSession from the agreed SDP and is
// answered 200 with our SDP; its media then runs as an RtpTransport. A BYE from the caller
// ends it (customer-ended-call); the call ending itself sends BYE. Final answers otherwise:
//   404 no number has this user / number     403 a byo number whose trunk refuses the source
//   488 no usable offer                        503 at --max-calls or shutting down (Retry-After)
//   480 routed to no assistant (hang-up, say)  302 routed to a transfer destination (Contact)
//   500 routing failed
// Keypad digits in INFO (application/dtmf-relay) go to the call like RFC 4733 ones, and the
// call's transport sends the assistant's keys as INFO through `info` when asked to.
// SIP events arrive on the calls' context; the routing's and the live calls' callbacks on any
// thread: the dialogs' table is guarded by a mutex.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "telephony/sip/sip_dial.hpp"
#include "telephony/sip/sip_events.hpp"

namespace sb::telephony {
class InboundCalls;
}

namespace sb::voice {

class LiveCalls;
class RtpPorts;
class RtpSession;
class RtpStreams;

struct SipCallsDeps {
  telephony::sip::SipResponder& responder;
  const telephony::InboundCalls& inbound;
  LiveCalls& live;
  RtpPorts& ports;
  boost::asio::io_context& io;  ///< RTP sockets run on it
  const Clock& clock;
  RtpStreams& streams;                            ///< each answered call's stream, for /metrics
  std::string media_host;                         ///< c= and o= of our SDP answers
  boost::asio::ip::address rtp_bind;              ///< where RTP sockets bind
  std::string warn_agent;                         ///< this server in Warning headers
  telephony::sip::SipInfoSender* info = nullptr;  ///< keys as INFO; none: not that way
};

/// An answered call's SIP side, for transferring it (sip_call_transfers.hpp).
struct SipLeg {
  telephony::sip::DialogId dialog = 0;
  std::string source;  ///< the INVITE's source, "ip:port" (the caller's PBX, trunk or phone)
};

class SipCalls final : public telephony::sip::SipEvents {
 public:
  explicit SipCalls(SipCallsDeps deps);
  ~SipCalls() override;

  void on_invite(const telephony::sip::SipInvite& invite) override;
  void on_cancelled(telephony::sip::DialogId dialog) override;
  void on_ended(telephony::sip::DialogId dialog, const std::string& why) override;
  void on_info(telephony::sip::DialogId dialog, const std::string& content_type,
               const std::string& body) override;

  /// The SIP side of our call `call_id` while it is answered and going; any thread.
  std::optional<SipLeg> leg(std::string_view call_id) const;

  /// Hands the answered call `call_id`'s caller over to `other`, a second leg this server
  /// dialled (a transfer with sipVerb dial): the caller's stream stops feeding the live call and
  /// relays to and from `other` (RtpSession::relay_to); the call's own hang-up then leaves the
  /// dialog and the stream alone, and the caller's BYE runs `end_other` (once). False, with
  /// nothing changed, when the caller has left. Any thread.
  bool bridge(std::string_view call_id, const std::shared_ptr<RtpSession>& other,
              std::function<void()> end_other);
  /// The second leg of `call_id`'s bridge ended: the caller's stream closes and it gets BYE.
  void end_bridge(std::string_view call_id);
  /// Ends every bridge (shutdown): BYE on both legs.
  void end_bridges();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;  ///< callbacks hold it weakly: none runs on a gone SipCalls
};

}  // namespace sb::voice
