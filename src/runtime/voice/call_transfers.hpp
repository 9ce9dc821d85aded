#pragma once
// Moving a live phone call to a person or another system (the transferCall tool): the carrier
// is asked to connect the caller to the destination, which ends the call's media here. Blind
// transfers, on Twilio calls (inbound and outbound) through its REST API: the call's TwiML is
// replaced by a <Dial> (<Number> with the extension as digits sent once answered, or <Sip>
// with the destination's sipHeaders), presenting the destination's callerId, else the
// customer's number.

#include <functional>
#include <string>

#include <boost/json/object.hpp>

namespace sb::storage {
class Store;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::net {
class HttpClient;
}

namespace sb::voice {

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

struct PhoneTransfersDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& phone_numbers;
  net::HttpClient& http;
  std::string twilio_api;  ///< Twilio's REST base (ProviderApis::twilio)
};

class PhoneTransfers final : public CallTransfers {
 public:
  explicit PhoneTransfers(PhoneTransfersDeps deps) : deps_(std::move(deps)) {}
  /// A Twilio call with its CallSid and a stored number.
  bool can_transfer(const boost::json::object& call) const override;
  void transfer(const boost::json::object& call, const boost::json::object& destination,
                std::function<void(std::string error)> done) override;

 private:
  PhoneTransfersDeps deps_;
};

}  // namespace sb::voice
