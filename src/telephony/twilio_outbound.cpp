#include "telephony/twilio_outbound.hpp"

#include <spdlog/spdlog.h>

#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "telephony/twiml.hpp"

namespace sb::telephony {
namespace {

std::string calls_url(const std::string& api_base, const TwilioAccount& account) {
  return api_base + "/2010-04-01/Accounts/" + percent_encode(account.sid) + "/Calls";
}

}  // namespace

std::string outbound_twiml(std::string_view stream_url, std::string_view call_id) {
  OutboundDial dial;
  dial.stream_url = std::string(stream_url);
  dial.call_id = std::string(call_id);
  return answered_markup(dial, render_twiml);
}

std::string twilio_dial_form(const OutboundDial& dial) {
  const auto twiml = outbound_twiml(dial.stream_url, dial.call_id);
  const auto ring = std::to_string(dial.ring_seconds);
  return rest::form_encode({{"To", dial.to},
                            {"From", dial.from},
                            {"Twiml", twiml},
                            {"StatusCallback", dial.status_callback},
                            {"StatusCallbackMethod", "POST"},
                            {"StatusCallbackEvent", "initiated"},
                            {"StatusCallbackEvent", "ringing"},
                            {"StatusCallbackEvent", "answered"},
                            {"StatusCallbackEvent", "completed"}}) +
         (dial.ring_seconds > 0 ? "&" + rest::form_encode({{"Timeout", ring}}) : "");
}

TwilioAccount twilio_account_of(const boost::json::object& number) {
  TwilioAccount account;
  account.sid = std::string(string_at(number, "twilioAccountSid"));
  const auto token = string_at(number, "twilioAuthToken");
  const auto key = string_at(number, "twilioApiKey");
  const auto secret = string_at(number, "twilioApiSecret");
  if (!token.empty()) {
    account.user = account.sid;
    account.password = std::string(token);
  } else if (!key.empty() && !secret.empty()) {
    account.user = std::string(key);
    account.password = std::string(secret);
  }
  return account;
}

void dial_twilio(net::HttpClient& http, const std::string& api_base, const TwilioAccount& account,
                 const OutboundDial& dial,
                 std::function<void(std::string sid, std::string error)> done) {
  net::OutboundRequest request;
  request.method = "POST";
  request.url = calls_url(api_base, account) + ".json";
  request.headers = {{"Authorization", rest::basic_auth(account.user, account.password)},
                     {"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = twilio_dial_form(dial);
  request.timeout = rest::kProviderTimeout;
  http.send(std::move(request), [done = std::move(done)](net::OutboundResponse response) {
    if (auto error = rest::refusal_text(response, "Twilio", "the call"); !error.empty())
      return done("", error);
    const std::string sid(rest::string_of(rest::parse_json(response.body), "sid"));
    if (sid.empty()) return done("", "Twilio's answer named no call sid");
    done(sid, "");
  });
}

void update_twilio_call(net::HttpClient& http, const std::string& api_base,
                        const TwilioAccount& account, const std::string& sid, std::string form,
                        std::function<void(std::string error)> done) {
  net::OutboundRequest request;
  request.method = "POST";
  request.url = calls_url(api_base, account) + "/" + percent_encode(sid) + ".json";
  request.headers = {{"Authorization", rest::basic_auth(account.user, account.password)},
                     {"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = std::move(form);
  request.timeout = rest::kProviderTimeout;
  http.send(std::move(request), [done = std::move(done)](net::OutboundResponse response) {
    done(rest::refusal_text(response, "Twilio", "the update"));
  });
}

void hang_up_twilio(net::HttpClient& http, const std::string& api_base,
                    const TwilioAccount& account, const std::string& sid) {
  update_twilio_call(http, api_base, account, sid, rest::form_encode({{"Status", "completed"}}),
                     [sid](std::string error) {
                       if (!error.empty())
                         spdlog::warn("twilio call {}: hanging it up failed: {}", sid, error);
                     });
}

void redirect_twilio(net::HttpClient& http, const std::string& api_base,
                     const TwilioAccount& account, const std::string& sid, const std::string& twiml,
                     std::function<void(std::string error)> done) {
  update_twilio_call(http, api_base, account, sid, rest::form_encode({{"Twiml", twiml}}),
                     std::move(done));
}

}  // namespace sb::telephony
