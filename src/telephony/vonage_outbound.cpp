#include "telephony/vonage_outbound.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/clock.hpp"
#include "core/codec.hpp"
#include "core/json_text.hpp"
#include "telephony/ncco.hpp"
#include "telephony/provider_http.hpp"
#include "telephony/vonage_keys.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;

std::string digits(const std::string& e164) {
  return e164.substr(e164.starts_with('+') ? 1 : 0);
}

json::array phone(const std::string& e164) {
  return json::array{json::object{{"type", "phone"}, {"number", digits(e164)}}};
}

// A request to the Voice API, or "" when the key cannot sign one.
std::optional<net::OutboundRequest> signed_request(const VonageApplication& application,
                                                   std::string method, std::string url) {
  const auto token =
      vonage_application_jwt(application.id, application.private_pem, now_ms() / 1000);
  if (token.empty()) return std::nullopt;
  net::OutboundRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers = {{"Authorization", "Bearer " + token},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.timeout = rest::kProviderTimeout;
  return request;
}

std::string failure(const net::OutboundResponse& response, std::string_view doing) {
  return rest::refusal_text(response, "Vonage", doing);
}

}  // namespace

std::string vonage_dial_body(const OutboundDial& dial) {
  json::object body{{"to", phone(dial.to)},
                    {"from", phone(dial.from).at(0)},
                    {"ncco", json::parse(answered_markup(dial, render_ncco))},
                    {"event_url", json::array{json::value(dial.status_callback)}},
                    {"event_method", "POST"}};
  if (dial.ring_seconds > 0) body["ringing_timer"] = std::clamp(dial.ring_seconds, 1, 120);
  // Mode "default" is the asynchronous one (with beep detection): the NCCO runs at once, as
  // Twilio's async AMD lets the call talk, where "detect" and "detect_beep" hold it silent
  // until the verdict. Twilio's tuning has no counterpart here; beep_timeout keeps Vonage's.
  if (dial.machine_detection)
    body["advanced_machine_detection"] =
        json::object{{"behavior", "continue"}, {"mode", "default"}};
  return json_text(body);
}

void dial_vonage(net::HttpClient& http, const std::string& api_base,
                 const VonageApplication& application, const OutboundDial& dial,
                 std::function<void(std::string uuid, std::string error)> done) {
  auto request = signed_request(application, "POST", api_base + "/v1/calls");
  if (!request)
    return done("",
                "the vonage credential's application key cannot sign a request; import "
                "the number again to make a new one");
  request->body = vonage_dial_body(dial);
  http.send(std::move(*request), [done = std::move(done)](net::OutboundResponse response) {
    if (auto error = failure(response, "the call"); !error.empty()) return done("", error);
    const std::string uuid(rest::string_of(rest::parse_json(response.body), "uuid"));
    if (uuid.empty()) return done("", "Vonage's answer named no call uuid");
    done(uuid, "");
  });
}

void transfer_vonage(net::HttpClient& http, const std::string& api_base,
                     const VonageApplication& application, const std::string& uuid,
                     const std::string& ncco, std::function<void(std::string error)> done) {
  auto request = signed_request(application, "PUT", api_base + "/v1/calls/" + percent_encode(uuid));
  if (!request) return done("the vonage credential's application key cannot sign a request");
  request->body = json_text(
      json::object{{"action", "transfer"},
                   {"destination", json::object{{"type", "ncco"}, {"ncco", json::parse(ncco)}}}});
  http.send(std::move(*request), [done = std::move(done)](net::OutboundResponse response) {
    done(failure(response, "the transfer"));
  });
}

void hang_up_vonage(net::HttpClient& http, const std::string& api_base,
                    const VonageApplication& application, const std::string& uuid) {
  auto request = signed_request(application, "PUT", api_base + "/v1/calls/" + percent_encode(uuid));
  if (!request) return spdlog::warn("vonage call {}: no key to hang it up with", uuid);
  request->body = R"({"action":"hangup"})";
  http.send(std::move(*request), [uuid](net::OutboundResponse response) {
    if (auto error = failure(response, "the hang-up"); !error.empty())
      spdlog::warn("vonage call {}: hanging it up failed: {}", uuid, error);
  });
}

}  // namespace sb::telephony
