#include "telephony/provider_numbers.hpp"

#include <cstdlib>

#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/phone_numbers/phone_number_rules.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/store.hpp"
#include "telephony/provider_pointing.hpp"

namespace sb::telephony {
using namespace rest;  // NOLINT: this file is a sequence of provider calls
namespace {

namespace json = boost::json;

std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

void override_from_env(const char* name, std::string& base) {
  if (const char* value = std::getenv(name); value && *value)
    base = without_trailing_slashes(value);
}

std::string field(const json::object& o, std::string_view key) {
  return std::string(phone_numbers::string_field(o, key).value_or(""));
}

// Logs the outcome (numbers are not secret; credentials never appear here) and passes it on.
Done logged(std::string provider, std::string number, Done done) {
  return [provider = std::move(provider), number = std::move(number),
          done = std::move(done)](std::exception_ptr error) {
    if (!error) spdlog::info("{} number {} now sends its calls to this server", provider, number);
    done(error);
  };
}

}  // namespace

std::string application_name(const std::string& public_url) {
  return "Switchboard " + public_url;
}

ProviderApis ProviderApis::from_environment() {
  ProviderApis apis;
  override_from_env("TWILIO_API_BASE_URL", apis.twilio);
  override_from_env("VONAGE_API_BASE_URL", apis.vonage_rest);
  override_from_env("VONAGE_API_BASE_URL", apis.vonage_api);
  override_from_env("TELNYX_API_BASE_URL", apis.telnyx);
  return apis;
}

NumberImporter::NumberImporter(net::HttpClient& http, storage::Store& store,
                               const resources::ResourceService& service, ProviderApis apis,
                               std::function<std::string()> public_url)
    : http_(http),
      store_(store),
      service_(service),
      apis_(std::move(apis)),
      public_url_(std::move(public_url)),
      credential_spec_(credentials::credential_spec()) {}

void NumberImporter::point(const json::object& body, const std::string& org_id, Done done) const {
  try {
    const std::string provider = field(body, "provider");
    if (provider != "twilio" && provider != "vonage" && provider != "telnyx") return done(nullptr);
    // The create answers for a body its rules refuse; the provider is not asked about it.
    if (!phone_numbers::check_document(body).empty()) return done(nullptr);
    if (provider == "twilio")
      return point_twilio(body, logged("Twilio", field(body, "number"), std::move(done)));
    point_with_credential(body, org_id, std::move(done));
  } catch (...) {
    done(std::current_exception());
  }
}

void NumberImporter::point_twilio(const json::object& body, Done done) const {
  TwilioAccount account;
  account.sid = field(body, "twilioAccountSid");
  const std::string token = field(body, "twilioAuthToken");
  const std::string api_key = field(body, "twilioApiKey");
  const std::string api_secret = field(body, "twilioApiSecret");
  if (!token.empty()) {
    account.user = account.sid;
    account.password = token;
  } else if (!api_key.empty() && !api_secret.empty()) {
    account.user = api_key;
    account.password = api_secret;
  } else {
    return done(bad_request(
        "twilioAuthToken (or twilioApiKey and twilioApiSecret) is needed to import a twilio "
        "number: the server points the number's voice URL at itself through Twilio's API"));
  }
  point_twilio_number(http_, apis_.twilio, std::move(account),
                      {field(body, "number"), public_url_()}, std::move(done));
}

// A new key pair of the credential's Vonage application is kept on the credential (its private
// key sealed, as Vapi's vonageApplicationPrivateKey), where outbound calls find it.
KeepVonageKeys NumberImporter::keep_vonage_keys(std::string org_id,
                                                std::string credential_id) const {
  return [this, org_id = std::move(org_id), credential_id = std::move(credential_id)](
             std::string application_id, std::string private_pem, Done next) {
    store_.post_write(
        [this, org_id, credential_id, application_id = std::move(application_id),
         private_pem = std::move(private_pem)](storage::Session& s) {
          service_.update(s, credential_spec_, org_id, credential_id,
                          json::object{{"vonageApplicationId", application_id},
                                       {"vonageApplicationPrivateKey", private_pem}});
        },
        std::move(next));
  };
}

// The credential is read on a storage reader; the provider calls then run on the client.
void NumberImporter::point_with_credential(const json::object& body, const std::string& org_id,
                                           Done done) const {
  const std::string provider = field(body, "provider");
  const std::string credential_id = ascii_lower(field(body, "credentialId"));
  PointingTarget target{field(body, "number"), public_url_()};
  store_.post_read([this, provider, credential_id, org_id, target = std::move(target),
                    done = std::move(done)](storage::Session& s) mutable {
    json::object credential;
    json::object secrets;
    try {
      credential = service_.load(s, credential_spec_, org_id, credential_id);
      secrets = service_.secrets_of(s, credential_spec_, org_id, credential_id);
    } catch (const ApiError&) {
      return done(nullptr);  // no such credential: the create's reference check says so
    } catch (...) {
      return done(std::current_exception());
    }
    if (string_at(credential, "provider") != provider) return done(nullptr);
    auto finish =
        logged(provider == "vonage" ? "Vonage" : "Telnyx", target.number, std::move(done));
    if (provider == "vonage") {
      VonageAccount account{field(secrets, "apiKey"), field(secrets, "apiSecret"), credential_id,
                            field(credential, "vonageApplicationId"),
                            !field(secrets, "vonageApplicationPrivateKey").empty()};
      point_vonage_number(http_, apis_.vonage_rest, apis_.vonage_api, std::move(account),
                          std::move(target), keep_vonage_keys(org_id, credential_id),
                          std::move(finish));
    } else {
      point_telnyx_number(http_, apis_.telnyx, {field(secrets, "apiKey"), credential_id},
                          std::move(target), std::move(finish));
    }
  });
}

}  // namespace sb::telephony
