#pragma once
// Transfers of SIP calls with transferPlan.sipVerb "dial": this server places a second call
// leg to the destination and, once it answers, bridges the caller to it (RTP relayed between
// the two streams, RtpSession::relay_to), and the assistant leaves the call.
// - The second leg is an outbound SIP call through the same machinery as calls dialled out
//   (TrunkCall: one target, the destination's sipUri, From the call's customer or "switchboard",
//   its sipHeaders on the INVITE); it rings for transferPlan.dialTimeout, then is CANCELled.
// - Answered: a warm transfer's introduction is played to the destination first (the caller
//   hears nothing meanwhile); then SipCalls::bridge hands the caller's stream over, and the
//   transfer is done (the live call ends assistant-forwarded-call). Either side's BYE then
//   ends the other leg.
// - Busy, no answer or a failure leaves the caller with the assistant, told why.
// Every leg's events run on the SIP line's events strand.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "runtime/voice/call_transfers.hpp"

namespace sb::voice {

class SipCalls;
struct SipLineParts;

class SipBridges {
 public:
  /// `line`, `clock` and `calls` must outlive every leg (they are the SIP endpoint's).
  SipBridges(std::shared_ptr<const SipLineParts> line, const Clock& clock, SipCalls& calls)
      : line_(std::move(line)), clock_(clock), calls_(calls) {}

  /// Why `destination` cannot be dialled as a second leg, or nullopt when it can.
  std::optional<std::string> refusal(const boost::json::object& destination) const;
  /// Dials `destination` for the answered call `call` and bridges the caller to it; `done` gets
  /// "" once bridged, else why not (once, on the events strand or here). `intro_wav` (a warm
  /// transfer's message or summary, spoken: 16 kHz WAV; "" for none) is played to the
  /// destination once it answers, and the caller joins when it has been played.
  void dial(const boost::json::object& call, const boost::json::object& destination,
            const calls::TransferPlan& plan, const std::string& intro_wav,
            std::function<void(std::string error)> done);

 private:
  std::shared_ptr<const SipLineParts> line_;
  const Clock& clock_;
  SipCalls& calls_;
};

}  // namespace sb::voice
