#include "net/outbound_target.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/text.hpp"

namespace sb::net {
namespace {

namespace urls = boost::urls;

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return kSymbols.find(c) != std::string_view::npos;
}

bool has_control(std::string_view s) {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return true;
  return false;
}

std::optional<OutboundTarget> fail(std::string& error, std::string_view why) {
  error = "invalid url: ";
  error += why;
  return std::nullopt;
}

// The port written in the URL, or the scheme's default; 0 when it is not a valid port.
std::uint16_t port_of(const urls::url_view& u, bool tls) {
  const std::uint16_t fallback = tls ? 443 : 80;
  if (!u.has_port() || u.port().empty()) return fallback;
  const std::string_view digits = u.port();
  if (digits.size() > 5) return 0;
  unsigned value = 0;
  for (char c : digits) value = value * 10 + static_cast<unsigned>(c - '0');
  return value <= 65535 ? static_cast<std::uint16_t>(value) : 0;
}

}  // namespace

std::string OutboundTarget::pool_key() const {
  std::string key = tls ? "https://" : "http://";
  key += host;
  key += '|';
  key += std::to_string(port);
  return key;
}

std::optional<OutboundTarget> parse_outbound_url(std::string_view url, std::string& error) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) return fail(error, "not an absolute URL");
  const urls::url_view& u = *parsed;
  OutboundTarget t;
  if (u.scheme_id() == urls::scheme::https) {
    t.tls = true;
  } else if (u.scheme_id() != urls::scheme::http) {
    return fail(error, "the scheme must be http or https");
  }
  switch (u.host_type()) {
    case urls::host_type::name:
      t.host = ascii_lower(u.host_name());
      break;
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      t.host = u.host_address();
      t.host_is_ip = true;
      break;
    default:
      return fail(error, "no host");
  }
  if (t.host.empty()) return fail(error, "no host");
  if (has_control(t.host) || t.host.find_first_of(" /") != std::string::npos)
    return fail(error, "bad host");
  t.port = port_of(u, t.tls);
  if (t.port == 0) return fail(error, "bad port");
  t.host_header = u.encoded_host();
  if (t.port != (t.tls ? 443 : 80)) t.host_header += ":" + std::to_string(t.port);
  t.target = u.encoded_path();
  if (t.target.empty()) t.target = "/";
  if (t.target.front() != '/') return fail(error, "bad path");
  if (u.has_query()) {
    t.target += '?';
    t.target += u.encoded_query();
  }
  if (u.has_userinfo()) {
    t.userinfo = u.user();
    if (u.has_password()) t.userinfo += ":" + std::string(u.password());
    if (has_control(t.userinfo)) return fail(error, "bad credentials");
  }
  return t;
}

bool is_http_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

std::string check_headers(const http::Fields& headers) {
  for (const auto& [name, value] : headers)
    if (!is_http_token(name) || has_control(value)) return "invalid header: " + name;
  return "";
}

bool is_framing_header(std::string_view name) {
  const std::string lower = ascii_lower(name);
  return lower == "content-length" || lower == "transfer-encoding" || lower == "connection";
}

}  // namespace sb::net
