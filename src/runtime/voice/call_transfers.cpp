#include "runtime/voice/call_transfers.hpp"

#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "runtime/voice/carriers.hpp"
#include "runtime/voice/transfer_whispers.hpp"
#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::voice {

namespace json = boost::json;

bool PhoneTransfers::can_transfer(const json::object& call) const {
  const auto* carrier = carriers_.find(string_at(call, "phoneCallProvider"));
  return carrier && carrier->transfers() && !string_at(call, "phoneCallProviderId").empty() &&
         !string_at(call, "phoneNumberId").empty();
}

std::optional<std::string> PhoneTransfers::plan_refusal(const json::object& call,
                                                        const calls::TransferPlan& plan) const {
  const auto provider = string_at(call, "phoneCallProvider");
  const auto* carrier = carriers_.find(provider);
  return calls::transfer_plan_refusal(plan, provider,
                                      whispers_ && carrier && carrier->warm_transfers());
}

void PhoneTransfers::transfer(const json::object& call, const json::object& destination,
                              std::optional<TransferIntro> intro,
                              std::function<void(std::string error)> done) {
  if (!can_transfer(call))
    return done(
        "only Twilio, Vonage and Telnyx calls with a stored number can be transferred on this "
        "server");
  if (intro)
    if (auto refused = plan_refusal(call, intro->plan)) return done(std::move(*refused));
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
      [this, carrier, sid, customer, call_id = std::string(string_at(call, "id")),
       decision = std::move(decision), intro = std::move(intro),
       done = std::move(done)](std::exception_ptr error, DialingNumber number) mutable {
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
        if (intro) {
          auto token = whispers_->add(
              TransferWhisper{call_id, std::string(string_at(number.number, "twilioAuthToken")),
                              std::move(intro->plan), std::move(intro->audio_wav)});
          context.whisper_url = public_url_() + TransferWhispers::path(token);
        }
        carrier->transfer(number, sid, decision, context, std::move(done));
      });
}

CallTransfers* TransfersByTransport::of(const json::object& call) const {
  return string_at(call, "phoneCallTransport") == "sip" ? sip_.load() : phone_;
}

bool TransfersByTransport::can_transfer(const json::object& call) const {
  const auto* by = of(call);
  return by && by->can_transfer(call);
}

std::optional<std::string> TransfersByTransport::plan_refusal(
    const json::object& call, const calls::TransferPlan& plan) const {
  const auto* by = of(call);
  if (!by) return std::string("transfers are not available on this call");
  return by->plan_refusal(call, plan);
}

void TransfersByTransport::transfer(const json::object& call, const json::object& destination,
                                    std::optional<TransferIntro> intro,
                                    std::function<void(std::string error)> done) {
  auto* by = of(call);
  if (!by) return done("transfers are not available on this call");
  by->transfer(call, destination, std::move(intro), std::move(done));
}

}  // namespace sb::voice
