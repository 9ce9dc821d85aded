#include "telephony/sip/trunk_dialing.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "core/json_fields.hpp"

namespace sb::telephony::sip {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The number as the trunk wants it: without the leading '+' unless outboundLeadingPlusEnabled,
// which puts one before a number of digits (a SIP user such as "alice" is left alone).
std::string trunk_number(std::string number, bool leading_plus) {
  const bool plus = !number.empty() && number.front() == '+';
  if (plus && !leading_plus) return number.substr(1);
  if (!plus && leading_plus && all_digits(number)) return "+" + number;
  return number;
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

// Diversion (RFC 5806): the configured value as a name-addr with reason=unconditional, a bare
// number or user put on the gateway's host.
std::string diversion(const std::string& value, const std::string& host) {
  if (value.find('<') != std::string::npos) return value;
  const std::string uri = value.rfind("sip:", 0) == 0 || value.rfind("tel:", 0) == 0
                              ? value
                              : "sip:" + value + "@" + host;
  return "<" + uri + ">;reason=unconditional";
}

}  // namespace

TrunkTargets trunk_targets(const boost::json::object& credential, const std::string& our_number,
                           const std::string& customer_number, const std::string& our_host) {
  TrunkTargets out;
  const bool plus = bool_at(credential, "outboundLeadingPlusEnabled", false);
  const std::string prefix(string_at(credential, "techPrefix"));
  const std::string diversion_value(string_at(credential, "sipDiversionHeader"));
  std::string user, password;
  if (const auto* auth = object_at(credential, "outboundAuthenticationPlan")) {
    user = string_at(*auth, "authUsername");
    password = string_at(*auth, "authPassword");
  }
  // A stored credential's secret comes back apart, keyed by its path.
  if (password.empty()) password = string_at(credential, "outboundAuthenticationPlan.authPassword");
  const std::string to_user = trunk_number(customer_number, plus);
  const std::string from_user = trunk_number(our_number, plus);
  const auto* gateways = array_at(credential, "gateways");
  if (!gateways) return out;
  for (const auto& g : *gateways) {
    const auto* gateway = g.if_object();
    if (!gateway || !bool_at(*gateway, "outboundEnabled", true)) continue;
    const std::string ip(string_at(*gateway, "ip"));
    const auto port = int_at(*gateway, "port", 5060);
    const std::string host = bracketed(ip) + ":" + std::to_string(port);
    std::string protocol(string_at(*gateway, "outboundProtocol"));
    if (protocol.empty()) protocol = "udp";
    if (ip.empty()) {
      out.skipped.push_back("a gateway without an ip");
      continue;
    }
    if (protocol != "udp" && protocol != "tcp") {
      out.skipped.push_back(host + ": " + protocol + " is not supported (udp and tcp are)");
      continue;
    }
    TrunkTarget t;
    t.gateway = host;
    t.transport = protocol;
    t.request_uri = "sip:" + prefix + to_user + "@" + host + ";transport=" + protocol;
    t.to_uri = "sip:" + to_user + "@" + host;
    t.from_uri = "sip:" + from_user + "@" + bracketed(our_host);
    if (!diversion_value.empty())
      t.headers.emplace_back("Diversion", diversion(diversion_value, bracketed(ip)));
    t.auth_username = user;
    t.auth_password = password;
    out.targets.push_back(std::move(t));
  }
  return out;
}

namespace {

// sip:[user@]host[:port][;params][?headers] → host[:port], and the transport parameter.
struct UriParts {
  std::string host;
  std::string transport = "udp";
};

std::optional<UriParts> uri_parts(const std::string& uri) {
  if (uri.rfind("sip:", 0) != 0) return std::nullopt;
  auto rest = std::string_view(uri).substr(4);
  rest = rest.substr(0, rest.find('?'));
  const auto params = rest.find(';');
  auto address = rest.substr(0, params);
  if (const auto at = address.rfind('@'); at != std::string_view::npos)
    address = address.substr(at + 1);
  if (address.empty() || address.front() == ':') return std::nullopt;
  UriParts parts;
  parts.host = std::string(address);
  if (params == std::string_view::npos) return parts;
  auto tail = rest.substr(params);
  for (std::size_t at = 0; at < tail.size();) {
    const auto next = tail.find(';', at + 1);
    const auto param = tail.substr(at + 1, next == std::string_view::npos ? next : next - at - 1);
    std::string lower;
    for (const char c : param)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("transport=", 0) == 0) parts.transport = lower.substr(10);
    at = next == std::string_view::npos ? tail.size() : next;
  }
  return parts;
}

}  // namespace

std::string sip_uri_problem(const std::string& uri) {
  if (uri.rfind("sips:", 0) == 0) return "sips: URIs (TLS) are not supported; use sip:";
  const auto parts = uri_parts(uri);
  if (!parts) return "it is not a sip: URI with a host (sip:user@host[:port])";
  if (parts->transport != "udp" && parts->transport != "tcp")
    return "transport " + parts->transport + " is not supported (udp and tcp are)";
  return "";
}

TrunkTarget uri_target(const std::string& uri, const std::string& from_user,
                       const std::string& our_host) {
  const auto parts = uri_parts(uri).value_or(UriParts{});
  TrunkTarget t;
  t.gateway = parts.host;
  t.transport = parts.transport;
  t.request_uri = uri;
  t.to_uri = uri.substr(0, uri.find_first_of(";?"));
  t.from_uri = "sip:" + from_user + "@" + bracketed(our_host);
  return t;
}

DialOutcome dial_outcome(int status) {
  DialOutcome o;
  if (status >= 200 && status < 300) {
    o.answered = true;
    return o;
  }
  o.try_next = (status >= 500 && status < 600) || status == 408;
  switch (status) {
    case 486:
    case 600:
    case 603:
      o.ended_reason = "customer-busy";
      break;
    case 401:
    case 407:
      // A challenge we could not answer (no credentials) or that refused our answer.
      o.ended_reason =
          "call.in-progress.error-providerfault-outbound-sip-407-proxy-authentication-required";
      break;
    case 403:
      o.ended_reason = "call.in-progress.error-providerfault-outbound-sip-403-forbidden";
      break;
    case 408:
      o.ended_reason = "call.in-progress.error-providerfault-outbound-sip-408-request-timeout";
      break;
    case 480:
      o.ended_reason =
          "call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable";
      break;
    case 503:
      o.ended_reason = "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable";
      break;
    default:
      o.ended_reason = kFailedToConnectReason;
      break;
  }
  return o;
}

}  // namespace sb::telephony::sip
