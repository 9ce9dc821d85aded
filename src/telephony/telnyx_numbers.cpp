// Telnyx: a number's calls go to its connection, so this server has one TeXML application
// (found by name, its URLs refreshed if they differ, else created) and the number's
// connection_id is set to it. The v2 API takes a Bearer API key and JSON bodies.

#include <memory>

#include <boost/json/object.hpp>

#include "core/codec.hpp"
#include "core/json_text.hpp"
#include "telephony/provider_pointing.hpp"

namespace sb::telephony {
using namespace rest;  // NOLINT: this file is a sequence of provider calls
namespace {

namespace json = boost::json;

// Everything the chain of calls shares.
struct Import {
  net::HttpClient& http;
  std::string base;
  std::string auth;
  ProviderName telnyx;
  PointingTarget target;
  std::string credential_id;
  Done done;

  std::string voice_url() const { return target.public_url + "/telnyx/inbound_call"; }
  std::string status_url() const { return target.public_url + "/telnyx/status"; }
};
using ImportPtr = std::shared_ptr<const Import>;

void assign_number(const ImportPtr& in, const std::string& number_id, const std::string& app_id);

// The entries of a v2 list answer ({"data": [...]}), or an empty array.
json::array data_of(std::string_view body) {
  auto answer = parse_json(body);
  if (!answer.is_object()) return {};
  auto* data = answer.as_object().if_contains("data");
  return data && data->is_array() ? std::move(data->as_array()) : json::array();
}

std::string application_body(const Import& in) {
  return json_text(json::object{{"friendly_name", application_name(in.target.public_url)},
                                {"voice_url", in.voice_url()},
                                {"voice_method", "post"},
                                {"status_callback", in.status_url()},
                                {"status_callback_method", "post"}});
}

// Creates the application (POST), or rewrites the one named `id` (PATCH); then assigns.
void write_application(const ImportPtr& in, const std::string& number_id, const std::string& id) {
  net::OutboundRequest request;
  request.method = id.empty() ? "POST" : "PATCH";
  request.url = in->base + "/v2/texml_applications" + (id.empty() ? "" : "/" + percent_encode(id));
  request.headers = {{"Authorization", in->auth}, {"Content-Type", "application/json"}};
  request.body = application_body(*in);
  call_provider(in->http, std::move(request), in->telnyx,
                id.empty() ? "creating this server's TeXML application"
                           : "updating this server's TeXML application",
                in->done, [in, number_id](const net::OutboundResponse& r) {
                  const auto answer = parse_json(r.body);
                  const json::value* data =
                      answer.is_object() ? answer.as_object().if_contains("data") : nullptr;
                  const std::string app_id(data ? string_of(*data, "id") : "");
                  if (app_id.empty())
                    return in->done(bad_request(
                        "Telnyx answered an application without an id; nothing was stored"));
                  assign_number(in, number_id, app_id);
                });
}

void find_application(const ImportPtr& in, const std::string& number_id) {
  const std::string name = application_name(in->target.public_url);
  net::OutboundRequest request;
  request.method = "GET";
  request.url = in->base + "/v2/texml_applications?" +
                form_encode({{"filter[friendly_name]", name}, {"page[size]", "250"}});
  request.headers = {{"Authorization", in->auth}};
  call_provider(in->http, std::move(request), in->telnyx,
                "listing the account's TeXML applications", in->done,
                [in, number_id, name](const net::OutboundResponse& r) {
                  // The filter matches names that contain it: pick the exact one.
                  for (const auto& app : data_of(r.body)) {
                    if (string_of(app, "friendly_name") != name) continue;
                    const std::string id(string_of(app, "id"));
                    if (string_of(app, "voice_url") == in->voice_url() &&
                        string_of(app, "status_callback") == in->status_url())
                      return assign_number(in, number_id, id);
                    return write_application(in, number_id, id);
                  }
                  write_application(in, number_id, "");
                });
}

void assign_number(const ImportPtr& in, const std::string& number_id, const std::string& app_id) {
  net::OutboundRequest request;
  request.method = "PATCH";
  request.url = in->base + "/v2/phone_numbers/" + percent_encode(number_id);
  request.headers = {{"Authorization", in->auth}, {"Content-Type", "application/json"}};
  request.body = json_text(json::object{{"connection_id", app_id}});
  call_provider(in->http, std::move(request), in->telnyx,
                "assigning " + in->target.number + " to this server's TeXML application", in->done,
                [in](const net::OutboundResponse&) { in->done(nullptr); });
}

}  // namespace

void point_telnyx_number(net::HttpClient& http, std::string api_base, TelnyxAccount account,
                         PointingTarget target, Done done) {
  auto in = std::make_shared<const Import>(
      Import{http,
             std::move(api_base),
             "Bearer " + account.api_key,
             {"Telnyx", "check the apiKey of telnyx credential " + account.credential_id},
             std::move(target),
             account.credential_id,
             std::move(done)});

  net::OutboundRequest find;
  find.method = "GET";
  find.url =
      in->base + "/v2/phone_numbers?" + form_encode({{"filter[phone_number]", in->target.number}});
  find.headers = {{"Authorization", in->auth}};
  call_provider(in->http, std::move(find), in->telnyx, "looking up " + in->target.number, in->done,
                [in](const net::OutboundResponse& r) {
                  for (const auto& n : data_of(r.body))
                    if (string_of(n, "phone_number") == in->target.number)
                      return find_application(in, std::string(string_of(n, "id")));
                  in->done(bad_request("number " + in->target.number +
                                       " is not a number of the Telnyx account of credential " +
                                       in->credential_id + "; nothing was stored"));
                });
}

}  // namespace sb::telephony
