#pragma once
// The Call object of an inbound phone call, from the moment a provider's webhook rings until
// the call ends: its document, how a routing decision changes it, how a provider's final
// status ends it, and the server messages (status-update, end-of-call-report) that say so.
// Pure functions over JSON; the routing service stores and sends what they build.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::calls {

/// What a provider's webhook says about a new inbound call.
struct InboundCallInfo {
  std::string provider;             ///< "twilio", "vonage", "telnyx"; "vapi" for SIP
  std::string provider_call_id;     ///< CallSid, uuid, call_control_id, a SIP Call-ID
  std::string caller;               ///< E.164, with '+' ("" when a SIP caller has no number)
  std::string transport = "pstn";   ///< phoneCallTransport: "pstn" or "sip"
  std::string caller_sip_uri = {};  ///< a SIP caller's From URI ("" otherwise)
};

/// A new Call document: type inboundPhoneCall, status ringing, the number's id, the caller as
/// customer (number and, for SIP, sipUri). `now_ms` is ms since the epoch.
boost::json::object new_inbound_call(std::string_view id, std::string_view org_id,
                                     const boost::json::object& phone_number,
                                     const InboundCallInfo& info, std::int64_t now_ms);

/// An assistant or squad takes the call: its choice ({assistantId|assistant|squadId|squad} and
/// overrides) is recorded and the call is in progress.
void start_with_assistant(boost::json::object& call, const boost::json::object& choice,
                          std::int64_t now_ms);

/// The call ends now with `ended_reason` (a value of the Call schema's endedReason enum).
/// Does nothing if it has already ended, so a late provider callback cannot rewrite it.
/// Returns whether it changed.
bool end_call(boost::json::object& call, std::string_view ended_reason, std::int64_t now_ms);

/// The endedReason of a call the provider reports finished with `status` (Twilio's
/// CallStatus, Vonage's and Telnyx's equivalents): completed → customer-ended-call, busy →
/// customer-busy, no-answer → customer-did-not-answer, failed → twilio-failed-to-connect-call
/// (for every provider: the enum has no other), canceled → customer-ended-call. Empty when
/// the status is not final (ringing, in-progress, answered, ...).
std::string ended_reason_for_provider_status(std::string_view status);

/// {"type": "status-update", "status": ..., "endedReason"?: ..., "call": ..., "customer": ...,
/// "phoneNumber": ..., "timestamp": ...} for the call as it is now.
boost::json::object status_update_message(const boost::json::object& call,
                                          const boost::json::object& phone_number,
                                          std::int64_t now_ms);

/// The end-of-call-report of an ended call: its artifact (messages, transcript, ...) when media
/// ran, else an empty one; its times and costs when it has them.
boost::json::object end_of_call_report(const boost::json::object& call,
                                       const boost::json::object& phone_number,
                                       std::int64_t now_ms);

}  // namespace sb::calls
