#pragma once
// The carriers phone calls go through (one OutboundCarrier each) and the stored numbers they
// act for: what dialling out (OutboundCalls) and transferring (PhoneTransfers) share.

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/voice/outbound_carrier.hpp"

namespace sb::storage {
class Store;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources

namespace sb::voice {

class Carriers {
 public:
  /// The references must outlive the carriers and every pending load.
  Carriers(storage::Store& store, const resources::ResourceService& service,
           const resources::ResourceSpec& phone_numbers, const resources::ResourceSpec& credentials,
           std::vector<std::unique_ptr<OutboundCarrier>> carriers);

  /// The carrier of `provider` (a phone number's), or none.
  OutboundCarrier* find(std::string_view provider) const;
  /// The providers of those with HTTP status callbacks ("twilio", ...), for their routes.
  std::vector<std::string> providers() const;
  /// Reads the org's stored number `number_id` with its secrets, and its credential's when its
  /// carrier keeps keys there (none when that credential has been deleted since). `done` gets
  /// the number, or the error (404 for a number that does not exist). Once, on a reader.
  void load_number(const std::string& org_id, std::string number_id,
                   std::function<void(std::exception_ptr, DialingNumber)> done) const;

 private:
  storage::Store& store_;
  const resources::ResourceService& service_;
  const resources::ResourceSpec& phone_numbers_;
  const resources::ResourceSpec& credentials_;
  std::vector<std::unique_ptr<OutboundCarrier>> carriers_;
};

}  // namespace sb::voice
