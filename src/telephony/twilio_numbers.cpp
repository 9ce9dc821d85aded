// Twilio: find the IncomingPhoneNumber by its PhoneNumber under the account, then set its
// voice and status URLs. Twilio's REST API takes HTTP Basic auth and form-encoded updates.

#include <boost/json/value.hpp>

#include "core/codec.hpp"
#include "telephony/provider_pointing.hpp"

namespace sb::telephony {
using namespace rest;  // NOLINT: this file is a sequence of provider calls
namespace {

// The sid ("PN...") of the entry of a IncomingPhoneNumbers page whose phone_number is `number`.
std::string incoming_number_sid(std::string_view page, const std::string& number) {
  const auto json = parse_json(page);
  if (!json.is_object()) return {};
  const auto* list = json.as_object().if_contains("incoming_phone_numbers");
  if (!list || !list->is_array()) return {};
  for (const auto& entry : list->as_array())
    if (string_of(entry, "phone_number") == number) return std::string(string_of(entry, "sid"));
  return {};
}

}  // namespace

void point_twilio_number(net::HttpClient& http, std::string api_base, TwilioAccount account,
                         PointingTarget target, Done done) {
  const ProviderName twilio{"Twilio",
                            "check twilioAccountSid " + account.sid +
                                " and twilioAuthToken (or twilioApiKey and twilioApiSecret)"};
  const std::string numbers_url =
      api_base + "/2010-04-01/Accounts/" + percent_encode(account.sid) + "/IncomingPhoneNumbers";
  const std::string auth = basic_auth(account.user, account.password);

  net::OutboundRequest find;
  find.method = "GET";
  find.url = numbers_url + ".json?" + form_encode({{"PhoneNumber", target.number}});
  find.headers = {{"Authorization", auth}};
  call_provider(
      http, std::move(find), twilio, "looking up " + target.number, done,
      [&http, twilio, numbers_url, auth, account, target, done](const net::OutboundResponse& r) {
        const std::string sid = incoming_number_sid(r.body, target.number);
        if (sid.empty())
          return done(bad_request("number " + target.number +
                                  " is not a phone number of Twilio account " + account.sid +
                                  "; nothing was stored"));
        net::OutboundRequest update;
        update.method = "POST";
        update.url = numbers_url + "/" + percent_encode(sid) + ".json";
        update.headers = {{"Authorization", auth},
                          {"Content-Type", "application/x-www-form-urlencoded"}};
        update.body = form_encode({{"VoiceUrl", target.public_url + "/twilio/inbound_call"},
                                   {"VoiceMethod", "POST"},
                                   {"StatusCallback", target.public_url + "/twilio/status"},
                                   {"StatusCallbackMethod", "POST"}});
        call_provider(http, std::move(update), twilio,
                      "pointing " + target.number + "'s voice URL at this server", done,
                      [done](const net::OutboundResponse&) { done(nullptr); });
      });
}

}  // namespace sb::telephony
