#include "net/outbound_connect.hpp"

#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sb::net {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

asio::awaitable<std::string> resolve_target(const OutboundTarget& t,
                                            std::optional<tcp::resolver>& resolver,
                                            const asio::any_io_executor& executor,
                                            std::vector<tcp::endpoint>& endpoints) {
  if (t.host_is_ip) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(t.host, ec);
    if (ec) co_return "invalid url: bad address";
    endpoints.emplace_back(address, t.port);
    co_return "";
  }
  resolver.emplace(executor);
  auto [ec, results] = co_await resolver->async_resolve(t.host, std::to_string(t.port),
                                                        tcp::resolver::numeric_service,
                                                        asio::as_tuple(asio::use_awaitable));
  if (ec) co_return "dns: " + ec.message();
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  co_return "";
}

ClientTlsContext::ClientTlsContext(std::string extra_ca_pem)
    : extra_ca_pem_(std::move(extra_ca_pem)) {}

ssl::context& ClientTlsContext::get() {
  std::call_once(once_, [this] {
    context_.emplace(ssl::context::tls_client);
    context_->set_default_verify_paths();
    context_->set_verify_mode(ssl::verify_peer);
    SSL_CTX_set_min_proto_version(context_->native_handle(), TLS1_2_VERSION);
    if (!extra_ca_pem_.empty()) context_->add_certificate_authority(asio::buffer(extra_ca_pem_));
  });
  return *context_;
}

std::string expect_peer(SSL* ssl, const OutboundTarget& t) {
  const bool named = t.host_is_ip
                         ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t.host.c_str()) == 1
                         : SSL_set_tlsext_host_name(ssl, t.host.c_str()) == 1 &&
                               SSL_set1_host(ssl, t.host.c_str()) == 1;
  return named ? "" : "tls: cannot verify host " + t.host;
}

std::string verify_failure(SSL* ssl) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify == X509_V_OK) return "";
  return std::string("tls: ") + X509_verify_cert_error_string(verify);
}

}  // namespace sb::net
