#include "runtime/voice/call_transfers.hpp"

#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/store.hpp"
#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"
#include "telephony/twilio_outbound.hpp"
#include "telephony/twiml.hpp"

namespace sb::voice {

namespace json = boost::json;

bool PhoneTransfers::can_transfer(const json::object& call) const {
  return string_at(call, "phoneCallProvider") == "twilio" &&
         !string_at(call, "phoneCallProviderId").empty() &&
         !string_at(call, "phoneNumberId").empty();
}

void PhoneTransfers::transfer(const json::object& call, const json::object& destination,
                              std::function<void(std::string error)> done) {
  if (!can_transfer(call))
    return done("only Twilio calls with a stored number can be transferred on this server");
  const std::string org_id(string_at(call, "orgId"));
  const std::string number_id(ascii_lower(string_at(call, "phoneNumberId")));
  const std::string sid(string_at(call, "phoneCallProviderId"));
  std::string customer;
  if (const auto* c = object_at(call, "customer")) customer = string_at(*c, "number");
  // The caller has heard the message already, in the assistant's voice.
  telephony::Decision decision;
  decision.kind = telephony::Decision::Kind::kTransfer;
  decision.destination = destination;
  decision.destination.erase("message");
  deps_.store.post_read([this, org_id, number_id, sid, customer, decision = std::move(decision),
                         done = std::move(done)](storage::Session& s) mutable {
    json::object number;
    try {
      number = deps_.service.load(s, deps_.phone_numbers, org_id, number_id);
      for (auto& [key, value] : deps_.service.secrets_of(s, deps_.phone_numbers, org_id, number_id))
        number[key] = value;
    } catch (const std::exception& e) {
      return done(std::string("the call's number could not be read: ") + e.what());
    }
    telephony::RenderContext context;
    context.caller = customer;
    context.our_number = string_at(number, "number");
    telephony::redirect_twilio(deps_.http, deps_.twilio_api, telephony::twilio_account_of(number),
                               sid, telephony::render_twiml(decision, context), std::move(done));
  });
}

}  // namespace sb::voice
