#include "runtime/voice/call_transfers.hpp"

#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "runtime/voice/carriers.hpp"
#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::voice {

namespace json = boost::json;

bool PhoneTransfers::can_transfer(const json::object& call) const {
  const auto* carrier = carriers_.find(string_at(call, "phoneCallProvider"));
  return carrier && carrier->transfers() && !string_at(call, "phoneCallProviderId").empty() &&
         !string_at(call, "phoneNumberId").empty();
}

void PhoneTransfers::transfer(const json::object& call, const json::object& destination,
                              std::function<void(std::string error)> done) {
  if (!can_transfer(call))
    return done(
        "only Twilio, Vonage and Telnyx calls with a stored number can be transferred on this "
        "server");
  auto* carrier = carriers_.find(string_at(call, "phoneCallProvider"));
  const std::string sid(string_at(call, "phoneCallProviderId"));
  std::string customer;
  if (const auto* c = object_at(call, "customer")) customer = string_at(*c, "number");
  // The caller has heard the message already, in the assistant's voice.
  telephony::Decision decision;
  decision.kind = telephony::Decision::Kind::kTransfer;
  decision.destination = destination;
  decision.destination.erase("message");
  carriers_.load_number(
      std::string(string_at(call, "orgId")), ascii_lower(string_at(call, "phoneNumberId")),
      [carrier, sid, customer, decision = std::move(decision), done = std::move(done)](
          std::exception_ptr error, DialingNumber number) mutable {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            return done(std::string("the call's number could not be read: ") + e.what());
          }
        }
        telephony::RenderContext context;
        context.caller = customer;
        context.our_number = string_at(number.number, "number");
        carrier->transfer(number, sid, decision, context, std::move(done));
      });
}

}  // namespace sb::voice
