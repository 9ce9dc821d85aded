#pragma once
// How an INVITE names the phone number it rings and what it brings to the call, as pure
// functions: the request-URI's user (a vapi number's sipUri user, or a trunk's dialled
// number), a byo-sip-trunk gateway admitting the INVITE's source (ip and netmask), the caller
// from the From URI, and X- headers as template variables (the docs' x-first_name: John fills
// {{first_name}}).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "telephony/inbound_calls.hpp"

namespace sb::telephony::sip {

/// The user part of a sip:/sips: URI ("sip:Alice@host:5060;transport=udp" → "Alice"), its
/// ";params" dropped; "" when there is none.
std::string uri_user(std::string_view uri);

/// Where an INVITE to `user` may ring, in order: the vapi number whose sipUri has this user
/// (compared case-insensitively), then the byo-phone-numbers with this number (as dialled, then
/// with a '+' added to bare digits or taken off a '+'), which a trunk's gateway must admit.
std::vector<NumberLookup> number_lookups(std::string_view user);

/// Whether the byo-sip-trunk `credential` has a gateway with inboundEnabled (default true)
/// whose ip and netmask (default 32) contain `source` ("ip:port", "[v6]:port" or an address).
/// Gateways named by a DNS name never match (Vapi asks for IPv4 addresses of inbound ones).
bool gateway_admits(const boost::json::object& credential, std::string_view source);

/// The caller's number from the From URI's user: E.164 when it is digits (with or without a
/// '+'), else "" (a softphone's name).
std::string caller_number(std::string_view from_uri);

/// The X- headers as template variables: the name after "x-", lower-cased (header names are
/// case-insensitive), the value as sent; the first of a repeated name wins.
boost::json::object header_variables(
    const std::vector<std::pair<std::string, std::string>>& x_headers);

}  // namespace sb::telephony::sip
