#include "telephony/sip/sip_routing.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>
#include <boost/json/array.hpp>

#include "core/json_fields.hpp"
#include "core/text.hpp"

namespace sb::telephony::sip {
namespace {

namespace json = boost::json;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The address of "ip:port", "[v6]:port" or a bare address; nullopt when it is none.
std::optional<boost::asio::ip::address> address_of(std::string_view source) {
  std::string host(source);
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    host = host.substr(0, host.find(':'));
  }
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  return address;
}

bool in_subnet(const boost::asio::ip::address& a, const boost::asio::ip::address& net, int bits) {
  if (a.is_v4() != net.is_v4()) return false;
  if (a.is_v4()) {
    const auto mask = bits <= 0 ? 0u : 0xffffffffu << (32 - std::min(bits, 32));
    return (a.to_v4().to_uint() & mask) == (net.to_v4().to_uint() & mask);
  }
  const auto l = a.to_v6().to_bytes(), r = net.to_v6().to_bytes();
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((l[i] & mask) != (r[i] & mask)) return false;
  }
  return true;
}

}  // namespace

std::string uri_user(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos) return {};
  const auto scheme = ascii_lower(uri.substr(0, colon));
  if (scheme != "sip" && scheme != "sips") return {};
  auto rest = uri.substr(colon + 1);
  const auto at = rest.find('@');
  if (at == std::string_view::npos) return {};
  auto user = rest.substr(0, at);
  return std::string(user.substr(0, user.find(';')));
}

std::vector<NumberLookup> number_lookups(std::string_view user) {
  std::vector<NumberLookup> lookups;
  if (user.empty()) return lookups;
  lookups.push_back({"sipUser", ascii_lower(user), "vapi"});
  const std::string dialled(user);
  lookups.push_back({"number", dialled, "byo-phone-number"});
  if (all_digits(dialled)) lookups.push_back({"number", "+" + dialled, "byo-phone-number"});
  if (dialled.front() == '+' && all_digits(dialled.substr(1)))
    lookups.push_back({"number", dialled.substr(1), "byo-phone-number"});
  return lookups;
}

bool gateway_admits(const json::object& credential, std::string_view source) {
  if (string_at(credential, "provider") != "byo-sip-trunk") return false;
  const auto from = address_of(source);
  const auto* gateways = array_at(credential, "gateways");
  if (!from || !gateways) return false;
  for (const auto& g : *gateways) {
    if (!g.is_object()) continue;
    const auto& gateway = g.as_object();
    if (const auto* on = gateway.if_contains("inboundEnabled");
        on && on->is_bool() && !on->as_bool())
      continue;
    const auto ip = address_of(string_at(gateway, "ip"));
    if (!ip) continue;
    int bits = ip->is_v4() ? 32 : 128;
    if (const auto* mask = gateway.if_contains("netmask"); mask && mask->is_number())
      bits = static_cast<int>(mask->to_number<double>());
    if (in_subnet(*from, *ip, bits)) return true;
  }
  return false;
}

std::string caller_number(std::string_view from_uri) {
  const auto user = uri_user(from_uri);
  if (all_digits(user)) return "+" + user;
  if (user.size() > 1 && user.front() == '+' && all_digits(std::string_view(user).substr(1)))
    return user;
  return {};
}

json::object header_variables(const std::vector<std::pair<std::string, std::string>>& x_headers) {
  json::object variables;
  for (const auto& [name, value] : x_headers) {
    if (name.size() < 3) continue;
    const auto key = ascii_lower(std::string_view(name).substr(2));
    if (!variables.contains(key)) variables[key] = value;
  }
  return variables;
}

}  // namespace sb::telephony::sip
