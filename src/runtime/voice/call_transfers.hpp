#pragma once
// Moving a live phone call to a person or another system (the transferCall tool): the carrier
// is asked to connect the caller to the destination, which ends the call's media here. Blind
// transfers through the carrier's API (OutboundCarrier::transfer), inbound and outbound calls:
// on Twilio the call's TwiML is replaced by a <Dial> (<Number> with the extension as digits
// sent once answered, or <Sip> with the destination's sipHeaders), on Vonage its NCCO by a
// connect to the same, presenting the destination's callerId, else the customer's number; on
// Telnyx through Call Control's transfer (to the number with the extension as digits sent on
// answer, or the SIP URI with sipHeaders as custom headers).

#include <functional>
#include <string>

#include <boost/json/object.hpp>

namespace sb::voice {

class Carriers;

class CallTransfers {
 public:
  virtual ~CallTransfers() = default;
  /// Whether calls like `call` (its document) can be transferred at all.
  virtual bool can_transfer(const boost::json::object& call) const = 0;
  /// Moves `call` to `destination` (a TransferDestinationNumber or ...Sip; its `message` is the
  /// caller's, already spoken). `done` gets "" when the carrier took it, else why not. Once, on
  /// any thread.
  virtual void transfer(const boost::json::object& call, const boost::json::object& destination,
                        std::function<void(std::string error)> done) = 0;
};

class PhoneTransfers final : public CallTransfers {
 public:
  /// `carriers` must outlive it.
  explicit PhoneTransfers(const Carriers& carriers) : carriers_(carriers) {}
  /// A call of a carrier that transfers, with the carrier's id of it and a stored number.
  bool can_transfer(const boost::json::object& call) const override;
  void transfer(const boost::json::object& call, const boost::json::object& destination,
                std::function<void(std::string error)> done) override;

 private:
  const Carriers& carriers_;
};

}  // namespace sb::voice
