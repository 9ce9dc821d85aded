#pragma once
// Dialling out over SIP: the OutboundCarrier of `byo-phone-number`s whose credentialId is a
// `byo-sip-trunk` credential, and of `vapi` numbers, which call a customer's `sipUri` (as a
// trunk's number may too: straight to the URI's host, with no credentials). The call's RTP port is
// opened first (it is in the SDP offer), then the INVITE tries the credential's outbound gateways
// in turn (TrunkCall: digest auth, failover); a 180/183 makes the call ringing, a 200 joins the
// live call to its RTP session (as an inbound SIP call's), a final failure ends it with the
// endedReason the SIP code maps to (trunk_dialing.hpp). The phone rings for the order's
// ring_seconds (kDefaultRingSeconds when 0), then CANCEL ends it customer-did-not-answer; a
// call ended here while ringing is CANCELled, once answered BYE'd; the customer's BYE ends it
// customer-ended-call. Calls show phoneCallProvider "vapi", phoneCallTransport "sip".
//
// The SIP agent starts after the carriers are made (it needs the HTTP listener's port), so the
// carrier reaches it through a SipLine the SIP endpoint attaches itself to; without --sip-port
// these numbers cannot dial out (501).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "runtime/voice/outbound_carrier.hpp"
#include "runtime/voice/sip_calls.hpp"

namespace sb::telephony::sip {
class SipDialer;
}

namespace sb::voice {

class RtpPorts;
class RtpStreams;

/// What dialling out over SIP uses of the server's SIP side.
struct SipLineParts {
  telephony::sip::SipDialer& dialer;
  boost::asio::any_io_executor events;  ///< where the dialer posts its events (one strand)
  RtpPorts& ports;
  boost::asio::io_context& io;  ///< RTP sockets run on it
  RtpStreams& streams;          ///< answered calls' streams, for /metrics
  std::string host;             ///< this server's SIP host and media address (From, SDP c=)
  boost::asio::ip::address rtp_bind;
};

/// The SIP side, once it runs. Thread-safe.
class SipLine {
 public:
  void attach(std::shared_ptr<const SipLineParts> parts);
  void detach();
  /// nullptr when SIP is not running.
  std::shared_ptr<const SipLineParts> parts() const;

  /// Answered calls dialled out, by call id, while their dialog lasts: what transferring
  /// them (SipCallTransfers) needs. `source` is the gateway or host that answered.
  void add_leg(const std::string& call_id, SipLeg leg);
  void remove_leg(const std::string& call_id);
  std::optional<SipLeg> leg(std::string_view call_id) const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const SipLineParts> parts_;
  std::map<std::string, SipLeg, std::less<>> legs_;
};

/// How long the phone rings when the order does not say: VapiSipTransport.dialTimeout's default.
inline constexpr int kDefaultRingSeconds = 60;

/// byo-phone-numbers: a customer's number through the credential's gateways, a customer's
/// sipUri straight to it. `line` and `clock` must outlive the carrier.
std::unique_ptr<OutboundCarrier> sip_trunk_carrier(SipLine& line, const Clock& clock);
/// vapi numbers: a customer's sipUri only, straight to it (From the number's own SIP user).
std::unique_ptr<OutboundCarrier> sip_uri_carrier(SipLine& line, const Clock& clock);

}  // namespace sb::voice
