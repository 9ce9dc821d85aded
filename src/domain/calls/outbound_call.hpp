#pragma once
// An outbound phone call, as POST /call asks for one (phoneNumberId or a transient phoneNumber,
// customer or customers[]): what the request must hold, the Call document (type
// outboundPhoneCall, status queued), a batch's per-customer requests and its
// CallBatchResponse, and the endedReason a provider's final status gives such a call. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::calls {

/// Whether a CreateCallDTO asks for a phone call (phoneNumberId, phoneNumber or customers).
bool wants_phone_call(const boost::json::object& body);

/// The provider of a transient phoneNumber (an ImportTwilioPhoneNumberDTO: "twilio" unless it
/// names another `provider`); "" when the call names a stored number by phoneNumberId.
std::string transient_provider(const boost::json::object& body);
/// The E.164 number of a transient phoneNumber (twilioPhoneNumber, or `number`); "" for none.
std::string transient_number(const boost::json::object& body);

/// Checks what the contract cannot: a number to call from (phoneNumberId or phoneNumber, not
/// both), a customer with a number or a sipUri (customer, or every entry of customers[], not
/// both; whether the number's carrier dials a sipUri is OutboundCarrier::check_customer's), an
/// assistant or squad, no WebSocket transport. Throws ApiError (400) naming the problem.
void check_outbound_call(const boost::json::object& body);

/// The single-customer requests of a batch: `body` without customers[], once per entry with
/// it as `customer`. A body without customers[] is its own single request.
std::vector<boost::json::object> requests_per_customer(const boost::json::object& body);

/// The new Call document: the request's assistant/squad (and overrides), customer, name,
/// metadata and phoneNumberId (or its transient phoneNumber), type outboundPhoneCall, status
/// queued, `provider` as phoneCallProvider, transport pstn.
boost::json::object new_outbound_call(std::string_view id, std::string_view org_id,
                                      const boost::json::object& body, std::string_view provider,
                                      std::int64_t now_ms);

/// The endedReason of an outbound call that `status` (Twilio's CallStatus) finished before
/// its media connected, or ended: completed → customer-ended-call, busy → customer-busy,
/// no-answer → customer-did-not-answer, failed and canceled → `not_connected`, the carrier's
/// reason for a call that never connected (twilio-failed-to-connect-call for Twilio). Empty for
/// a status that is not final (queued, initiated, ringing, in-progress, answered).
std::string ended_reason_for_outbound_status(std::string_view status,
                                             std::string_view not_connected);

/// How long the customer's phone may ring, in seconds, as the request's
/// `transport: {provider: "vapi.sip", dialTimeout}` asks (VapiSipTransport, 1-600); nullopt when
/// it does not say.
std::optional<int> requested_dial_timeout(const boost::json::object& body);

/// A CallBatchResponse: {"results": [Call...], "errors": [{"customer", "error"}...]}.
boost::json::object batch_response(boost::json::array results, boost::json::array errors);

}  // namespace sb::calls
