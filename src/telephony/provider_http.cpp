#include "telephony/provider_http.hpp"

#include <openssl/evp.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/codec.hpp"

namespace sb::telephony::rest {

// What a provider said went wrong, from the usual error shapes of their JSON bodies (Twilio's
// "message", Telnyx's "errors[].detail", Vonage's "title"/"detail"/"error-code-label");
// bounded, since it goes into our own answer.
std::string provider_message(std::string_view body) {
  const auto json = parse_json(body);
  std::string said;
  for (const char* key : {"message", "detail", "title", "error-code-label"})
    if (said.empty()) said = std::string(string_of(json, key));
  if (said.empty() && json.is_object())
    if (const auto* errors = json.as_object().if_contains("errors");
        errors && errors->is_array() && !errors->as_array().empty()) {
      const auto& first = errors->as_array().front();
      said = std::string(string_of(first, "detail"));
      if (said.empty()) said = std::string(string_of(first, "title"));
    }
  constexpr std::size_t kMax = 300;
  if (said.size() > kMax) said = said.substr(0, kMax) + "...";
  return said;
}

std::string basic_auth(std::string_view user, std::string_view password) {
  const std::string plain = std::string(user) + ":" + std::string(password);
  std::string encoded(4 * ((plain.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(plain.data()),
                                static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(n));
  return "Basic " + encoded;
}

std::string form_encode(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(name) + "=" + percent_encode(value);
  }
  return out;
}

boost::json::value parse_json(std::string_view body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  return ec ? boost::json::value() : value;
}

std::string_view string_of(const boost::json::value& object, std::string_view key) {
  if (!object.is_object()) return {};
  const auto* v = object.as_object().if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::exception_ptr bad_request(std::string message) {
  return std::make_exception_ptr(ApiError::bad_request(std::move(message)));
}

std::string refusal_text(const net::OutboundResponse& response, std::string_view provider,
                         std::string_view doing) {
  const std::string name(provider);
  if (response.status == 0) return name + " could not be reached (" + response.error + ")";
  if (response.ok()) return "";
  const auto said = provider_message(response.body);
  return name + " refused " + std::string(doing) + " (HTTP " + std::to_string(response.status) +
         ")" + (said.empty() ? "" : ": " + said);
}

std::exception_ptr failure_of(const net::OutboundResponse& response, const ProviderName& provider,
                              std::string_view doing) {
  if (response.ok()) return nullptr;
  const std::string while_doing = " while " + std::string(doing) + "; nothing was stored";
  if (response.status == 0)
    return bad_request(provider.name + " could not be reached (" + response.error + ")" +
                       while_doing);
  if (response.status == 401 || response.status == 403)
    return bad_request(provider.name + " rejected the credentials (HTTP " +
                       std::to_string(response.status) + ")" + while_doing + ": " +
                       provider.credentials_hint);
  const std::string said = provider_message(response.body);
  return bad_request(provider.name + " answered HTTP " + std::to_string(response.status) +
                     while_doing + (said.empty() ? "" : ": " + said));
}

void call_provider(net::HttpClient& http, net::OutboundRequest request, ProviderName provider,
                   std::string doing, Done done,
                   std::function<void(const net::OutboundResponse&)> next) {
  request.timeout = kProviderTimeout;
  request.headers.emplace_back("Accept", "application/json");
  http.send(std::move(request),
            [provider = std::move(provider), doing = std::move(doing), done = std::move(done),
             next = std::move(next)](net::OutboundResponse response) {
              if (auto failure = failure_of(response, provider, doing)) return done(failure);
              try {
                next(response);
              } catch (...) {
                done(std::current_exception());
              }
            });
}

}  // namespace sb::telephony::rest
