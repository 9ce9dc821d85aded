#pragma once
// Importing a twilio, vonage or telnyx phone number points the provider's voice webhook for it
// at this server ({public-url}/twilio/inbound_call, /vonage/..., /telnyx/...) through the
// provider's REST API, before the number is stored: a provider that cannot be reached or that
// rejects the credentials makes the create a 400 that stores nothing. Only on create: a PATCH
// does not re-point the number (its number and account cannot change the provider side).

#include <exception>
#include <functional>
#include <string>

#include <boost/json/object.hpp>

#include "domain/resources/resource_spec.hpp"
#include "telephony/provider_apis.hpp"
#include "telephony/provider_http.hpp"
#include "telephony/provider_pointing.hpp"

namespace sb::net {
class HttpClient;
}
namespace sb::storage {
class Store;
}
namespace sb::resources {
class ResourceService;
}

namespace sb::telephony {

class NumberImporter {
 public:
  /// All references must outlive the importer and every pending import.
  NumberImporter(net::HttpClient& http, storage::Store& store,
                 const resources::ResourceService& service, ProviderApis apis,
                 std::function<std::string()> public_url);

  /// For ResourceSpec::before_create of phone numbers. Calls `done(nullptr)` at once for
  /// providers without an API here (byo-phone-number, vapi) and for a body the create will
  /// refuse anyway (its own rules, a credentialId that is not a credential of the right type),
  /// so the create reports that. Otherwise `done` follows the provider's answer. Never blocks:
  /// a vonage/telnyx credential is read on a storage reader.
  void point(const boost::json::object& body, const std::string& org_id, Done done) const;

 private:
  void point_twilio(const boost::json::object& body, Done done) const;
  void point_with_credential(const boost::json::object& body, const std::string& org_id,
                             Done done) const;
  KeepVonageKeys keep_vonage_keys(std::string org_id, std::string credential_id) const;

  net::HttpClient& http_;
  storage::Store& store_;
  const resources::ResourceService& service_;
  const ProviderApis apis_;
  const std::function<std::string()> public_url_;
  const resources::ResourceSpec credential_spec_;
};

}  // namespace sb::telephony
