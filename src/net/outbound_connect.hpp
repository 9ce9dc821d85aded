#pragma once
// What the outbound clients (http_client.cpp, websocket_client.cpp) share to open a
// connection: the target's endpoints, and TLS as both speak it — the system's CA store plus
// the client's extra_ca_pem, TLS 1.2 or later, the peer's chain and its name (or IP address)
// verified by OpenSSL itself.

#include <openssl/ssl.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "net/outbound_target.hpp"

namespace sb::net {

/// Fills `endpoints` with where `t` is: its IP address, or what DNS answers for its host name
/// (asked on `resolver`, made here on `executor` and kept by the caller, who may cancel it).
/// Returns "" or the error: "invalid url: bad address", "dns: <why>". A caller that may cut the
/// connect checks for that before the error.
boost::asio::awaitable<std::string> resolve_target(
    const OutboundTarget& t, std::optional<boost::asio::ip::tcp::resolver>& resolver,
    const boost::asio::any_io_executor& executor,
    std::vector<boost::asio::ip::tcp::endpoint>& endpoints);

/// An outbound client's TLS context, made on first use: loading the system's CA store takes
/// tens of milliseconds, which a client that never dials TLS never pays. Thread-safe.
class ClientTlsContext {
 public:
  /// `extra_ca_pem`: trusted besides the system's CAs (empty: none).
  explicit ClientTlsContext(std::string extra_ca_pem);

  boost::asio::ssl::context& get();

 private:
  std::string extra_ca_pem_;
  std::once_flag once_;
  std::optional<boost::asio::ssl::context> context_;
};

/// Before the handshake on `ssl`: SNI and the certificate's name checked against a host name,
/// or its IP address against an address. Returns "" or "tls: cannot verify host <host>".
std::string expect_peer(SSL* ssl, const OutboundTarget& t);

/// After a failed handshake on `ssl`: "tls: <why>" when the peer's certificate failed
/// verification, "" when the failure was something else.
std::string verify_failure(SSL* ssl);

}  // namespace sb::net
