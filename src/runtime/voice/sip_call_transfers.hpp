#pragma once
// Transfers of live SIP calls (the transferCall tool, hooks, the control URL's transfer),
// the SIP side of CallTransfers, by the destination's transferPlan.sipVerb:
// - "refer" (the default): REFER on the caller's dialog, Refer-To the destination — a `sip`
//   destination's sipUri (its sipHeaders in the Refer-To URI with sipHeadersInReferToEnabled,
//   else headers of the REFER), a `number` as sip:NUMBER@SOURCE, SOURCE being the address
//   the caller's INVITE came from (its PBX or trunk, which places the new call). The caller's
//   side answers 202, then NOTIFYs the new call's fate: a final 2xx is the transfer done (the
//   call then ends assistant-forwarded-call, and we send BYE); a refused REFER, a failed
//   new call, or no final NOTIFY within kReferOutcomeLimit of the 202 leaves the call with
//   the assistant, told why. The caller's side hanging up after
//   202 (many PBXs do rather than NOTIFY) also ends it assistant-forwarded-call.
// - "bye": the call ends at once (BYE), assistant-forwarded-call: the caller's side is
//   expected to act on the BYE.
// - "dial": this server calls the destination and bridges the caller to it (sip_bridge.hpp);
//   refused when no SipBridges is given. With it, and only with it, the warm modes
//   warm-transfer-say-message and -say-summary: the destination hears the introduction on its
//   leg before the caller joins. Other warm modes are refused.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <string_view>

#include "core/clock.hpp"

#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/sip_calls.hpp"

namespace sb::telephony::sip {
class SipTransfers;
}

namespace sb::voice {

class SipBridges;

/// How long a REFER's outcome is awaited after its 202 (the caller's side places the new call
/// meanwhile, which may ring for a minute): then the call goes back to the assistant.
inline constexpr std::chrono::seconds kReferOutcomeLimit{90};

/// Where the wait for a REFER's outcome is timed: the executor the agent's callbacks run on
/// (the SIP events strand) and the clock. Without it, the wait has no limit.
struct ReferTimer {
  boost::asio::any_io_executor executor;
  const Clock* clock = nullptr;
};

class SipCallTransfers final : public CallTransfers {
 public:
  /// The SIP side of a call by its id (SipCalls::leg), any thread.
  using Legs = std::function<std::optional<SipLeg>(std::string_view call_id)>;
  /// `agent`, `bridges` (none: sipVerb dial is refused) and the timer's clock must outlive it.
  SipCallTransfers(Legs legs, telephony::sip::SipTransfers& agent, SipBridges* bridges = nullptr,
                   ReferTimer timer = {})
      : legs_(std::move(legs)), agent_(agent), bridges_(bridges), timer_(std::move(timer)) {}
  /// A SIP call that is answered and going.
  bool can_transfer(const boost::json::object& call) const override;
  std::optional<std::string> plan_refusal(const boost::json::object& call,
                                          const calls::TransferPlan& plan) const override;
  void transfer(const boost::json::object& call, const boost::json::object& destination,
                std::optional<TransferIntro> intro,
                std::function<void(std::string error)> done) override;

 private:
  Legs legs_;
  telephony::sip::SipTransfers& agent_;
  SipBridges* bridges_;
  ReferTimer timer_;
};

}  // namespace sb::voice
