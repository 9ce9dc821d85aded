#pragma once
// Where an outbound request goes, parsed from its URL, and the checks on the caller's headers:
// what the HTTP client needs before it opens a connection. No networking types here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sb::net {

struct OutboundTarget {
  bool tls = false;
  /// What is resolved, put in SNI and checked against the certificate: a lower-case host name,
  /// or an IP address literal (IPv6 without brackets).
  std::string host;
  bool host_is_ip = false;
  std::uint16_t port = 0;
  /// The Host header: the host as written in the URL, with the port when it is not the default.
  std::string host_header;
  /// The request target in origin form: "/path?query" (never empty; the fragment is dropped).
  std::string target;
  /// "user:password" (decoded) when the URL carries credentials, sent as Basic authorization.
  std::string userinfo;

  /// Connections are pooled per scheme, host and port.
  std::string pool_key() const;
};

/// Parses an absolute http:// or https:// URL. On failure returns nullopt and sets `error` to
/// "invalid url: <why>".
std::optional<OutboundTarget> parse_outbound_url(std::string_view url, std::string& error);

/// "" when every header can be sent as given; otherwise "invalid header: <name>" for the first
/// one whose name is not an HTTP token or whose value holds CR, LF or NUL (which would let a
/// stored header inject others).
std::string check_headers(const http::Fields& headers);

/// True for an RFC 9110 token (a header name, a method).
bool is_http_token(std::string_view s);

/// True for headers the client sets itself from the message (Content-Length, Transfer-Encoding,
/// Connection): the caller's values are not sent, so they cannot break the framing.
bool is_framing_header(std::string_view name);

}  // namespace sb::net
