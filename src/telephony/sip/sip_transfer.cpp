#include "telephony/sip/sip_transfer.hpp"

#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdio>

namespace sb::telephony::sip {
namespace {

// RFC 3261 hname/hvalue: unreserved and hnv-unreserved characters as they are, others %XX.
std::string escape_header_part(const std::string& text) {
  static const std::string kKept = "-_.!~*'()[]/?:+$";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || kKept.find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string value_text(const boost::json::value& v) {
  if (const auto* s = v.if_string()) return std::string(*s);
  return boost::json::serialize(v);
}

}  // namespace

ReferRequest refer_request(const std::string& sip_uri, const boost::json::object* sip_headers,
                           bool headers_in_refer_to) {
  ReferRequest out;
  std::string uri = sip_uri;
  if (sip_headers && headers_in_refer_to) {
    char separator = uri.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [name, value] : *sip_headers) {
      uri += separator;
      uri += escape_header_part(std::string(name)) + "=" + escape_header_part(value_text(value));
      separator = '&';
    }
  } else if (sip_headers) {
    for (const auto& [name, value] : *sip_headers)
      out.headers.emplace_back(std::string(name), value_text(value));
  }
  out.refer_to = "<" + uri + ">";
  return out;
}

std::optional<int> sipfrag_status(std::string_view body) {
  while (!body.empty() && (body.front() == ' ' || body.front() == '\r' || body.front() == '\n'))
    body.remove_prefix(1);
  constexpr std::string_view kVersion = "SIP/2.0 ";
  if (body.size() < kVersion.size() + 3) return std::nullopt;
  for (std::size_t i = 0; i < kVersion.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(body[i])) != kVersion[i]) return std::nullopt;
  int status = 0;
  for (std::size_t i = kVersion.size(); i < kVersion.size() + 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(body[i]))) return std::nullopt;
    status = status * 10 + (body[i] - '0');
  }
  const auto after = kVersion.size() + 3;
  if (after < body.size() && body[after] != ' ' && body[after] != '\r' && body[after] != '\n')
    return std::nullopt;
  if (status < 100 || status > 699) return std::nullopt;
  return status;
}

}  // namespace sb::telephony::sip
