#pragma once
// Moving a live phone call to a person or another system (the transferCall tool): the carrier
// is asked to connect the caller to the destination, which ends the call's media here. Through
// the carrier's API (OutboundCarrier::transfer), inbound and outbound calls: on Twilio the
// call's TwiML is replaced by a <Dial> (<Number> with the extension as digits sent once
// answered, or <Sip> with the destination's sipHeaders), on Vonage its NCCO by a connect to
// the same, presenting the destination's callerId, else the customer's number; on Telnyx
// through Call Control's transfer (to the number with the extension as digits sent on answer,
// or the SIP URI with sipHeaders as custom headers). A warm transfer (Twilio only) also leaves
// its introduction with TransferWhispers, and the <Dial> points the destination's leg at it.

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "domain/calls/transfer_plan.hpp"

namespace sb::voice {

class Carriers;
class TransferWhispers;

/// What a warm transfer's destination hears before the caller joins.
struct TransferIntro {
  calls::TransferPlan plan;
  std::string audio_wav;  ///< the message or summary, spoken; "" for TwiML (or no summary)
};

class CallTransfers {
 public:
  virtual ~CallTransfers() = default;
  /// Whether calls like `call` (its document) can be transferred at all.
  virtual bool can_transfer(const boost::json::object& call) const = 0;
  /// Why `plan` cannot be carried out on `call`, or nullopt when it can.
  virtual std::optional<std::string> plan_refusal(const boost::json::object& call,
                                                  const calls::TransferPlan& plan) const = 0;
  /// Moves `call` to `destination` (a TransferDestinationNumber or ...Sip; its `message` is the
  /// caller's, already spoken), introduced by `intro` for a warm transfer. `done` gets "" when
  /// the carrier took it, else why not. Once, on any thread.
  virtual void transfer(const boost::json::object& call, const boost::json::object& destination,
                        std::optional<TransferIntro> intro,
                        std::function<void(std::string error)> done) = 0;
};

class PhoneTransfers final : public CallTransfers {
 public:
  /// `carriers` and `whispers` must outlive it; without `whispers` no transfer is warm.
  PhoneTransfers(const Carriers& carriers, TransferWhispers* whispers,
                 std::function<std::string()> public_url)
      : carriers_(carriers), whispers_(whispers), public_url_(std::move(public_url)) {}
  /// A call of a carrier that transfers, with the carrier's id of it and a stored number.
  bool can_transfer(const boost::json::object& call) const override;
  std::optional<std::string> plan_refusal(const boost::json::object& call,
                                          const calls::TransferPlan& plan) const override;
  void transfer(const boost::json::object& call, const boost::json::object& destination,
                std::optional<TransferIntro> intro,
                std::function<void(std::string error)> done) override;

 private:
  const Carriers& carriers_;
  TransferWhispers* whispers_;
  std::function<std::string()> public_url_;
};

/// The transfers of every live call: SIP calls (phoneCallTransport "sip") through the SIP
/// side once it is there (sip_call_transfers.hpp), the others through the carriers'.
class TransfersByTransport final : public CallTransfers {
 public:
  /// `phone` (none: carrier calls cannot be transferred) must outlive it.
  explicit TransfersByTransport(CallTransfers* phone) : phone_(phone) {}
  /// The SIP side, set when the SIP agent starts and cleared (nullptr) when it stops; it must
  /// outlive every call that may still ask it.
  void set_sip(CallTransfers* sip) { sip_.store(sip); }

  bool can_transfer(const boost::json::object& call) const override;
  std::optional<std::string> plan_refusal(const boost::json::object& call,
                                          const calls::TransferPlan& plan) const override;
  void transfer(const boost::json::object& call, const boost::json::object& destination,
                std::optional<TransferIntro> intro,
                std::function<void(std::string error)> done) override;

 private:
  CallTransfers* of(const boost::json::object& call) const;

  CallTransfers* phone_;
  std::atomic<CallTransfers*> sip_{nullptr};
};

}  // namespace sb::voice
