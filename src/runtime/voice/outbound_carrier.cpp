#include "runtime/voice/outbound_carrier.hpp"

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "domain/calls/outbound_call.hpp"
#include "telephony/signatures.hpp"

namespace sb::voice {

CarrierReport report_in_twilio_words(const http::Fields& params, std::string_view not_connected) {
  CarrierReport report;
  for (const auto& [k, v] : params) {
    if (k == "CallSid") report.sid = v;
    if (k == "CallStatus") report.status = v;
    if (k == "AnsweredBy") report.answered_by = v;
  }
  report.ended_reason = calls::ended_reason_for_outbound_status(report.status, not_connected);
  return report;
}

void OutboundCarrier::check_customer(const DialingNumber&,
                                     const boost::json::object& customer) const {
  if (string_at(customer, "number").empty())
    throw ApiError(ErrorCode::kBadRequest,
                   "customer.number is needed: " + std::string(provider()) +
                       " numbers dial phone numbers (a customer.sipUri is dialled from a vapi "
                       "SIP number or a byo-phone-number on a SIP trunk)");
}

void OutboundCarrier::transfer(const DialingNumber&, const std::string&, const telephony::Decision&,
                               const telephony::RenderContext&,
                               std::function<void(std::string error)> done) {
  done("calls through " + std::string(provider()) + " cannot be transferred by this server yet");
}

std::string TokenStreamCarrier::stream_url(std::string_view ws_base, std::string_view call_id,
                                           std::string_view secret) const {
  return std::string(ws_base) + "/" + std::string(provider()) + "/stream/" + std::string(call_id) +
         "?token=" + std::string(secret);
}

std::function<bool(const http::Request&)> TokenStreamCarrier::stream_check(
    const DialingNumber&, std::string secret) const {
  return [secret = std::move(secret)](const http::Request& head) {
    const auto token = head.query_value("token");
    return token && telephony::equal_in_constant_time(*token, secret);
  };
}

}  // namespace sb::voice
