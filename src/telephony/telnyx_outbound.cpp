#include "telephony/telnyx_outbound.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"
#include "telephony/texml.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;
using DialDone = std::function<void(std::string sid, std::string error)>;

std::string bearer(const TelnyxAccount& account) {
  return "Bearer " + account.api_key;
}

std::string failure(const net::OutboundResponse& response, std::string_view doing) {
  return rest::refusal_text(response, "Telnyx", doing);
}

void create_call(net::HttpClient& http, const std::string& api_base, const TelnyxAccount& account,
                 const std::string& connection_id, const OutboundDial& dial, DialDone done) {
  net::OutboundRequest request;
  request.method = "POST";
  request.url = api_base + "/v2/texml/calls/" + percent_encode(connection_id);
  request.headers = {{"Authorization", bearer(account)},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.body = telnyx_dial_body(dial);
  request.timeout = rest::kProviderTimeout;
  http.send(std::move(request), [done = std::move(done)](net::OutboundResponse response) {
    if (auto error = failure(response, "the call"); !error.empty()) return done("", error);
    // The connection-scoped call answers a flat object; the older form wraps it in "data".
    auto answer = rest::parse_json(response.body);
    std::string sid(rest::string_of(answer, "call_sid"));
    if (const auto* data = answer.is_object() ? answer.as_object().if_contains("data") : nullptr;
        sid.empty() && data)
      sid = rest::string_of(*data, "call_sid");
    if (sid.empty()) return done("", "Telnyx's answer named no call_sid");
    done(sid, "");
  });
}

// A Call Control command on the call: POST /v2/calls/{call_control_id}/actions/{action}.
net::OutboundRequest call_command(const std::string& api_base, const TelnyxAccount& account,
                                  const std::string& call_control_id, std::string_view action,
                                  std::string body) {
  net::OutboundRequest request;
  request.method = "POST";
  request.url =
      api_base + "/v2/calls/" + percent_encode(call_control_id) + "/actions/" + std::string(action);
  request.headers = {{"Authorization", bearer(account)},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.body = std::move(body);
  request.timeout = rest::kProviderTimeout;
  return request;
}

// TeXML's async AMD takes Twilio's parameters, but its timeout in milliseconds.
void add_machine_detection(json::object& body, const MachineDetection& amd) {
  body["MachineDetection"] = "DetectMessageEnd";
  body["AsyncAmd"] = true;
  body["AsyncAmdStatusCallback"] = amd.callback;
  body["AsyncAmdStatusCallbackMethod"] = "POST";
  if (amd.timeout_seconds) body["MachineDetectionTimeout"] = *amd.timeout_seconds * 1000;
  if (amd.speech_threshold_ms) body["MachineDetectionSpeechThreshold"] = *amd.speech_threshold_ms;
  if (amd.speech_end_threshold_ms)
    body["MachineDetectionSpeechEndThreshold"] = *amd.speech_end_threshold_ms;
  if (amd.silence_timeout_ms) body["MachineDetectionSilenceTimeout"] = *amd.silence_timeout_ms;
}

}  // namespace

std::string telnyx_transfer_body(const json::object& destination, const RenderContext& ctx) {
  json::object body;
  if (string_at(destination, "type") == "sip") {
    body["to"] = string_at(destination, "sipUri");
    json::array custom;
    json::array sip;
    for (const auto& [name, value] : sip_headers(destination))
      (ascii_lower(name) == "user-to-user" ? sip : custom)
          .push_back(json::object{{"name", name}, {"value", value}});
    if (!custom.empty()) body["custom_headers"] = std::move(custom);
    if (!sip.empty()) body["sip_headers"] = std::move(sip);
  } else {
    body["to"] = string_at(destination, "number");
    if (auto digits = extension_digits(destination, "w"); !digits.empty())
      body["send_digits_on_answer"] = std::move(digits);
  }
  if (auto from = transfer_caller_id(destination, ctx); !from.empty()) body["from"] = from;
  return json_text(body);
}

std::string telnyx_dial_body(const OutboundDial& dial) {
  json::object body{{"To", dial.to},
                    {"From", dial.from},
                    {"Texml", answered_markup(dial, render_texml)},
                    {"StatusCallback", dial.status_callback},
                    {"StatusCallbackMethod", "POST"},
                    {"StatusCallbackEvent", "initiated ringing answered completed"}};
  if (dial.ring_seconds > 0) body["Timeout"] = dial.ring_seconds;
  if (dial.machine_detection) add_machine_detection(body, *dial.machine_detection);
  return json_text(body);
}

void dial_telnyx(net::HttpClient& http, const std::string& api_base, const TelnyxAccount& account,
                 const OutboundDial& dial, DialDone done) {
  net::OutboundRequest find;
  find.method = "GET";
  find.url =
      api_base + "/v2/phone_numbers?" + rest::form_encode({{"filter[phone_number]", dial.from}});
  find.headers = {{"Authorization", bearer(account)}, {"Accept", "application/json"}};
  find.timeout = rest::kProviderTimeout;
  http.send(std::move(find), [&http, api_base, account, dial,
                              done = std::move(done)](net::OutboundResponse response) mutable {
    if (auto error = failure(response, "looking up " + dial.from); !error.empty())
      return done("", error);
    auto answer = rest::parse_json(response.body);
    const auto* data = answer.is_object() ? answer.as_object().if_contains("data") : nullptr;
    std::string connection_id;
    if (data && data->is_array())
      for (const auto& number : data->as_array())
        if (rest::string_of(number, "phone_number") == dial.from)
          connection_id = rest::string_of(number, "connection_id");
    if (connection_id.empty())
      return done("", dial.from +
                          " is not a number of this Telnyx account with a connection; import it "
                          "again so it points at this server");
    create_call(http, api_base, account, connection_id, dial, std::move(done));
  });
}

void transfer_telnyx(net::HttpClient& http, const std::string& api_base,
                     const TelnyxAccount& account, const std::string& call_control_id,
                     std::string body, std::function<void(std::string error)> done) {
  http.send(call_command(api_base, account, call_control_id, "transfer", std::move(body)),
            [done = std::move(done)](net::OutboundResponse response) {
              done(failure(response, "the transfer"));
            });
}

void hang_up_telnyx(net::HttpClient& http, const std::string& api_base,
                    const TelnyxAccount& account, const std::string& call_control_id) {
  http.send(call_command(api_base, account, call_control_id, "hangup", "{}"),
            [call_control_id](net::OutboundResponse response) {
              if (auto error = failure(response, "the hang-up"); !error.empty())
                spdlog::warn("telnyx call {}: hanging it up failed: {}", call_control_id, error);
            });
}

}  // namespace sb::telephony
