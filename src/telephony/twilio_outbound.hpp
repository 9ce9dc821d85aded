#pragma once
// Dialling a call out through Twilio's REST API: POST /2010-04-01/Accounts/{Sid}/Calls.json,
// form-encoded, HTTP Basic. The call's TwiML connects its media to this server
// (<Connect><Stream> with the call id as a Parameter, as inbound calls do), and its status
// callbacks (initiated, ringing, answered, completed) come back to a route of this server.

#include <functional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "telephony/outbound_dial.hpp"
#include "telephony/provider_pointing.hpp"

namespace sb::telephony {

/// <Response><Connect><Stream url=...><Parameter name="callId" .../></Stream></Connect>
/// </Response>, as an inbound call answered by an assistant gets.
std::string outbound_twiml(std::string_view stream_url, std::string_view call_id);

/// The Calls.json form: To, From, Twiml, StatusCallback (POST) and StatusCallbackEvent
/// initiated, ringing, answered, completed (one field each, as Twilio takes a list), and
/// Timeout when ring_seconds is set (Twilio's default is 60 s).
std::string twilio_dial_form(const OutboundDial& dial);

/// The account a Twilio number dials with: its twilioAccountSid, and HTTP Basic with the
/// sid and twilioAuthToken, else twilioApiKey and twilioApiSecret. `number` holds the
/// number's fields with its secrets. Empty user when it has neither.
TwilioAccount twilio_account_of(const boost::json::object& number);

/// Creates the call. `done` gets Twilio's CallSid, or (sid empty) why it failed: Twilio's own
/// message and status for a refusal, or that it could not be reached. Once, on an HttpClient
/// thread.
void dial_twilio(net::HttpClient& http, const std::string& api_base, const TwilioAccount& account,
                 const OutboundDial& dial,
                 std::function<void(std::string sid, std::string error)> done);

/// Ends a call Twilio is still placing or running (Status=completed on the call): for a call
/// that ended here before its media connected. Best effort; the answer is only logged.
void hang_up_twilio(net::HttpClient& http, const std::string& api_base,
                    const TwilioAccount& account, const std::string& sid);

/// Updates the live call `sid` (POST /Calls/{sid}.json with `form`, already encoded): `done`
/// gets "" when Twilio took it, else why not. Once, on an HttpClient thread.
void update_twilio_call(net::HttpClient& http, const std::string& api_base,
                        const TwilioAccount& account, const std::string& sid, std::string form,
                        std::function<void(std::string error)> done);

/// Gives the live call `sid` new TwiML (Twiml=...): Twilio leaves what it was doing (its media
/// stream ends) and runs it, e.g. a <Dial> that transfers the call.
void redirect_twilio(net::HttpClient& http, const std::string& api_base,
                     const TwilioAccount& account, const std::string& sid, const std::string& twiml,
                     std::function<void(std::string error)> done);

}  // namespace sb::telephony
