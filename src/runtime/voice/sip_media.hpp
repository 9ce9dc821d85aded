#pragma once
// A SIP call's media, the same for calls in (SipCalls) and out (SipCarrier): the RtpSession's
// settings from what the SDP agreed, and joining a claimed live call to its session.

#include <boost/asio/ip/address.hpp>
#include <functional>
#include <memory>
#include <string>

#include "runtime/voice/rtp_session.hpp"
#include "telephony/sip/sdp_negotiation.hpp"

namespace sb::voice {

class LiveCall;
class RtpStreams;
class RtpTransport;

/// The RTP settings for `audio` (the peer's address, codec and telephone-event type), bound
/// on `bind`. `audio.remote_address` must be an IP address (checked by whoever read the SDP).
RtpSessionConfig rtp_config(const boost::asio::ip::address& bind,
                            const telephony::sip::AgreedAudio& audio);

/// Points `session`, opened before the answer (its port was in our offer), at the peer the
/// answer's `audio` names: its address, codec and telephone-event type (RtpSession::set_peer).
/// False, with nothing changed, when the answer's address is not an IP address.
bool aim_at_answer(RtpSession& session, const telephony::sip::AgreedAudio& audio);

/// Runs the claimed live call `call` (id `id`) over `session`: its stream is listed in
/// `streams` (for /metrics) until the call's media ends, when `hang_up` runs once, from the
/// call's strand, to end the SIP dialog (BYE). `info_digit`, when given, sends the keys the
/// call presses as SIP INFO (RtpTransport). Returns the call's transport (to release it to a
/// bridge).
std::shared_ptr<RtpTransport> join_rtp(RtpStreams& streams, const std::string& id,
                                       std::shared_ptr<RtpSession> session,
                                       std::shared_ptr<LiveCall> call,
                                       std::function<void()> hang_up,
                                       std::function<void(char key)> info_digit = {});

}  // namespace sb::voice
