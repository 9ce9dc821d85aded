// Vonage: voice webhooks live on an application, and a number is linked to one. So: find the
// number among the account's (its country is needed to update it), find this server's voice
// application by name (refreshing its URLs if they differ) or create it, then link the number.
// Both APIs take HTTP Basic auth with the API key and secret. The application is given a
// fresh key pair unless the credential already keeps the private key of this very application.

#include <memory>
#include <optional>

#include <boost/json/object.hpp>

#include "core/codec.hpp"
#include "core/json_text.hpp"
#include "telephony/provider_pointing.hpp"
#include "telephony/vonage_keys.hpp"

namespace sb::telephony {
using namespace rest;  // NOLINT: this file is a sequence of provider calls
namespace {

namespace json = boost::json;

// Everything the chain of calls shares.
struct Import {
  net::HttpClient& http;
  std::string rest_base;
  std::string api_base;
  std::string auth;
  ProviderName vonage;
  PointingTarget target;
  std::string msisdn;  ///< the number as Vonage writes it: digits only
  VonageAccount account;
  KeepVonageKeys keep_keys;
  Done done;

  std::string answer_url() const { return target.public_url + "/vonage/inbound_call"; }
  std::string event_url() const { return target.public_url + "/vonage/event"; }
};
using ImportPtr = std::shared_ptr<const Import>;

void link_number(const ImportPtr& in, const std::string& country, const std::string& app_id);

const json::value* at(const json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

// The URL a webhook of the application's voice capability points at ("" when none).
std::string voice_webhook(const json::value& app, std::string_view hook) {
  const json::value* v = at(app, "capabilities");
  for (const char* key : {"voice", "webhooks"})
    if (v) v = at(*v, key);
  if (v) v = at(*v, hook);
  return v ? std::string(string_of(*v, "address")) : std::string();
}

// `public_pem`: the key to give the application ("" keeps the one it has).
std::string application_body(const Import& in, const std::string& public_pem) {
  const json::object answer{{"address", in.answer_url()}, {"http_method", "POST"}};
  const json::object event{{"address", in.event_url()}, {"http_method", "POST"}};
  const json::object voice{{"webhooks", {{"answer_url", answer}, {"event_url", event}}}};
  json::object body{{"name", application_name(in.target.public_url)},
                    {"capabilities", {{"voice", voice}}}};
  if (!public_pem.empty()) body["keys"] = json::object{{"public_key", public_pem}};
  return json_text(body);
}

// Whether the credential keeps the private key of the application `id`.
bool keys_kept_for(const Import& in, const std::string& id) {
  return in.account.has_private_key && in.account.application_id == id;
}

// Creates the application (POST), or rewrites the one named `id` (PUT), with a fresh key pair
// unless the credential keeps this application's; stores a new pair, then links.
void write_application(const ImportPtr& in, const std::string& country, const std::string& id) {
  std::optional<RsaKeyPair> keys;
  if (!keys_kept_for(*in, id)) {
    try {
      keys = new_rsa_key_pair();
    } catch (const std::exception& e) {
      return in->done(bad_request(std::string(e.what()) + "; nothing was stored"));
    }
  }
  net::OutboundRequest request;
  request.method = id.empty() ? "POST" : "PUT";
  request.url = in->api_base + "/v2/applications" + (id.empty() ? "" : "/" + percent_encode(id));
  request.headers = {{"Authorization", in->auth}, {"Content-Type", "application/json"}};
  request.body = application_body(*in, keys ? keys->public_pem : "");
  call_provider(
      in->http, std::move(request), in->vonage,
      id.empty() ? "creating this server's voice application"
                 : "updating this server's voice application",
      in->done, [in, country, keys](const net::OutboundResponse& r) {
        const std::string app_id(string_of(parse_json(r.body), "id"));
        if (app_id.empty())
          return in->done(
              bad_request("Vonage answered an application without an id; nothing was stored"));
        if (!keys) return link_number(in, country, app_id);
        in->keep_keys(app_id, keys->private_pem, [in, country, app_id](std::exception_ptr error) {
          if (error) return in->done(error);
          link_number(in, country, app_id);
        });
      });
}

void find_application(const ImportPtr& in, const std::string& country) {
  net::OutboundRequest request;
  request.method = "GET";
  request.url = in->api_base + "/v2/applications?" + form_encode({{"page_size", "100"}});
  request.headers = {{"Authorization", in->auth}};
  call_provider(in->http, std::move(request), in->vonage, "listing the account's applications",
                in->done, [in, country](const net::OutboundResponse& r) {
                  const auto page = parse_json(r.body);
                  const json::value* apps = at(page, "_embedded");
                  if (apps) apps = at(*apps, "applications");
                  const std::string name = application_name(in->target.public_url);
                  if (apps && apps->is_array())
                    for (const auto& app : apps->as_array()) {
                      if (string_of(app, "name") != name) continue;
                      const std::string id(string_of(app, "id"));
                      if (voice_webhook(app, "answer_url") == in->answer_url() &&
                          voice_webhook(app, "event_url") == in->event_url() &&
                          keys_kept_for(*in, id))
                        return link_number(in, country, id);
                      return write_application(in, country, id);
                    }
                  write_application(in, country, "");
                });
}

void link_number(const ImportPtr& in, const std::string& country, const std::string& app_id) {
  net::OutboundRequest request;
  request.method = "POST";
  request.url = in->rest_base + "/number/update";
  request.headers = {{"Authorization", in->auth},
                     {"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = form_encode({{"country", country}, {"msisdn", in->msisdn}, {"app_id", app_id}});
  call_provider(in->http, std::move(request), in->vonage,
                "linking " + in->target.number + " to this server's voice application", in->done,
                [in](const net::OutboundResponse& r) {
                  // The numbers API may answer 200 with an error code of its own.
                  const auto answer = parse_json(r.body);
                  const auto code = string_of(answer, "error-code");
                  if (!code.empty() && code != "200")
                    return in->done(bad_request("Vonage refused to link " + in->target.number +
                                                " (" + std::string(code) + " " +
                                                std::string(string_of(answer, "error-code-label")) +
                                                "); nothing was stored"));
                  in->done(nullptr);
                });
}

}  // namespace

void point_vonage_number(net::HttpClient& http, std::string rest_base, std::string api_base,
                         VonageAccount account, PointingTarget target, KeepVonageKeys keep_keys,
                         Done done) {
  std::string msisdn = target.number.substr(target.number.starts_with('+') ? 1 : 0);
  const std::string auth = basic_auth(account.api_key, account.api_secret);
  const std::string hint =
      "check the apiKey and apiSecret of vonage credential " + account.credential_id;
  auto in = std::make_shared<const Import>(Import{http,
                                                  std::move(rest_base),
                                                  std::move(api_base),
                                                  auth,
                                                  {"Vonage", hint},
                                                  std::move(target),
                                                  std::move(msisdn),
                                                  std::move(account),
                                                  std::move(keep_keys),
                                                  std::move(done)});

  net::OutboundRequest find;
  find.method = "GET";
  find.url = in->rest_base + "/account/numbers?" +
             form_encode({{"pattern", in->msisdn}, {"search_pattern", "0"}});
  find.headers = {{"Authorization", in->auth}};
  call_provider(in->http, std::move(find), in->vonage, "looking up " + in->target.number, in->done,
                [in](const net::OutboundResponse& r) {
                  const auto page = parse_json(r.body);
                  if (const json::value* numbers = at(page, "numbers");
                      numbers && numbers->is_array())
                    for (const auto& n : numbers->as_array())
                      if (string_of(n, "msisdn") == in->msisdn)
                        return find_application(in, std::string(string_of(n, "country")));
                  in->done(bad_request("number " + in->target.number +
                                       " is not a number of the Vonage account of credential " +
                                       in->account.credential_id + "; nothing was stored"));
                });
}

}  // namespace sb::telephony
