#pragma once
// Dialling a call out through Telnyx's TeXML API. Telnyx places TeXML calls from a TeXML
// application (a "connection"), and the number's own connection is the application its import
// pointed at this server, so a dial first reads the number (GET /v2/phone_numbers, its
// connection_id), then creates the call (POST /v2/texml/calls/{connection_id}, JSON) with inline
// TeXML that connects its media stream back here, as an inbound call's answer does. Status
// callbacks carry Twilio's field names (CallSid, CallStatus) and Telnyx's Ed25519 signature.
// A call is hung up through Call Control (POST /v2/calls/{call_control_id}/actions/hangup):
// the CallSid of a TeXML call is its call control id. So is a blind transfer (the transferCall
// tool): POST /v2/calls/{call_control_id}/actions/transfer.

#include <functional>
#include <string>

#include <boost/json/object.hpp>

#include "telephony/outbound_dial.hpp"
#include "telephony/provider_pointing.hpp"

namespace sb::telephony {

/// The JSON body of POST /v2/texml/calls/{connection_id}; the call id rides in the stream's
/// URL as callId, as for inbound calls, and ring_seconds is its Timeout. machine_detection
/// asks for TeXML's async AMD (MachineDetection DetectMessageEnd, AsyncAmd, its verdict,
/// AnsweredBy, to AsyncAmdStatusCallback), with Twilio's tuning (the timeout in milliseconds).
std::string telnyx_dial_body(const OutboundDial& dial);

/// Creates the call. `done` gets the CallSid (the call control id), or (sid empty) why it
/// failed: the number not on the account or on no connection, Telnyx's refusal, or that it
/// could not be reached. Once, on an HttpClient thread.
void dial_telnyx(net::HttpClient& http, const std::string& api_base, const TelnyxAccount& account,
                 const OutboundDial& dial,
                 std::function<void(std::string sid, std::string error)> done);

/// The JSON body of Call Control's transfer for `destination` (a TransferDestinationNumber or
/// ...Sip): `to` (the number, or the SIP URI), `from` (transfer_caller_id), the extension as
/// `send_digits_on_answer`, sipHeaders as `custom_headers` (User-to-User, which Telnyx takes
/// only there, as `sip_headers`).
std::string telnyx_transfer_body(const boost::json::object& destination, const RenderContext& ctx);

/// Moves the live call `call_control_id` where `body` (telnyx_transfer_body) says: Telnyx
/// dials the destination and bridges the caller to it, which ends the call's TeXML here (its
/// media stream stops). `done` gets "" when Telnyx took it, else why not. Once, on an
/// HttpClient thread.
void transfer_telnyx(net::HttpClient& http, const std::string& api_base,
                     const TelnyxAccount& account, const std::string& call_control_id,
                     std::string body, std::function<void(std::string error)> done);

/// Ends a call Telnyx is still placing or running. Best effort; the answer is only logged.
void hang_up_telnyx(net::HttpClient& http, const std::string& api_base,
                    const TelnyxAccount& account, const std::string& call_control_id);

}  // namespace sb::telephony
