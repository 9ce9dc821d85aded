#include "runtime/voice/sip_call_transfers.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "net/timer.hpp"
#include "runtime/voice/sip_bridge.hpp"
#include "telephony/sip/sip_dial.hpp"
#include "telephony/sip/sip_transfer.hpp"

namespace sb::voice {

namespace json = boost::json;

namespace {

// A REFER's transfer until it is settled, once.
struct Settle {
  std::function<void(std::string)> done;
  std::optional<net::Timer> wait;  ///< for the outcome after the 202

  void tell(std::string error) {
    if (!done) return;
    if (wait) wait->cancel();
    auto once = std::move(done);
    done = nullptr;
    once(std::move(error));
  }
};

// Where the REFER sends the caller, or "" for a destination it cannot name.
std::string refer_target(const json::object& destination, const SipLeg& leg) {
  const auto type = string_at(destination, "type");
  if (type == "sip") return std::string(string_at(destination, "sipUri"));
  if (type == "number" && !string_at(destination, "number").empty() && !leg.source.empty())
    return "sip:" + std::string(string_at(destination, "number")) + "@" + leg.source;
  return {};
}

}  // namespace

bool SipCallTransfers::can_transfer(const json::object& call) const {
  return string_at(call, "phoneCallTransport") == "sip" && legs_(string_at(call, "id")).has_value();
}

std::optional<std::string> SipCallTransfers::plan_refusal(const json::object& call,
                                                          const calls::TransferPlan& plan) const {
  if (plan.sip_verb == "dial" && string_at(call, "type") == "outboundPhoneCall")
    return std::string(
        "transferPlan.sipVerb dial is not supported on SIP calls dialled out yet; use refer or "
        "bye");
  if (plan.sip_verb == "dial" && !bridges_)
    return std::string(
        "transferPlan.sipVerb dial (a second call leg bridged by this server) is not available "
        "on this server; use refer or bye");
  if (plan.sip_verb != "refer" && plan.sip_verb != "bye" && plan.sip_verb != "dial")
    return "transferPlan.sipVerb " + plan.sip_verb + " is not one of refer, bye, dial";
  using calls::TransferMode;
  if (plan.warm() && plan.mode != TransferMode::kWarmExperimental) {
    if (plan.sip_verb != "dial")
      return "transferPlan.mode " + std::string(plan.mode_name()) +
             " needs a second call leg, which on SIP calls is transferPlan.sipVerb dial";
    if (plan.mode != TransferMode::kWarmSayMessage && plan.mode != TransferMode::kWarmSaySummary)
      return "transferPlan.mode " + std::string(plan.mode_name()) +
             " is not supported on SIP calls; warm-transfer-say-message and "
             "warm-transfer-say-summary are (with sipVerb dial)";
  }
  return calls::transfer_plan_refusal(plan, "SIP", plan.sip_verb == "dial");
}

void SipCallTransfers::transfer(const json::object& call, const json::object& destination,
                                std::optional<TransferIntro> intro,
                                std::function<void(std::string error)> done) {
  const std::string id(string_at(call, "id"));
  const auto leg = legs_(id);
  if (!leg) return done("the call's SIP dialog is over");
  const auto plan = calls::TransferPlan::of(destination);
  if (auto refused = plan_refusal(call, intro ? intro->plan : plan))
    return done(std::move(*refused));
  if (plan.sip_verb == "dial")
    return bridges_->dial(call, destination, plan, intro ? intro->audio_wav : std::string(),
                          std::move(done));
  if (plan.sip_verb == "bye") {
    spdlog::info("call {}: transferred with BYE (transferPlan.sipVerb bye)", id);
    return done("");  // the call ends, and ending it sends BYE
  }
  const auto target = refer_target(destination, *leg);
  if (target.empty()) return done("the destination has no sipUri or number to refer the caller to");
  const auto request = telephony::sip::refer_request(target, object_at(destination, "sipHeaders"),
                                                     plan.sip_headers_in_refer_to);
  spdlog::info("call {}: REFER to {}", id, request.refer_to);
  // Either callback (or the wait's end) may be the last: the first answer that settles the
  // transfer tells `done`. The agent holds the state through its callbacks; the wait, weakly.
  auto settle = std::make_shared<Settle>();
  settle->done = std::move(done);
  if (timer_.clock) settle->wait.emplace(timer_.executor, *timer_.clock);
  auto tell = [settle](std::string error) { settle->tell(std::move(error)); };
  agent_.refer(
      leg->dialog, request.refer_to, request.headers,
      [tell, weak = std::weak_ptr<Settle>(settle)](int status) {
        if (status >= 300)
          return tell("the caller's side refused the REFER (SIP " + std::to_string(status) + ")");
        if (auto s = weak.lock(); s && s->wait)
          s->wait->arm_after(kReferOutcomeLimit, [weak] {
            if (auto s = weak.lock())
              s->tell(
                  "the caller's side accepted the REFER but reported no outcome (no final "
                  "NOTIFY) within " +
                  std::to_string(kReferOutcomeLimit.count()) + " s");
          });
      },
      [tell](int status) {
        if (status >= 300)
          return tell("the transfer target did not take the call (SIP " + std::to_string(status) +
                      ")");
        tell("");
      });
}

}  // namespace sb::voice
