#pragma once
// TLS for unit tests that need a real handshake: a self-signed certificate for "localhost" (the
// trust anchor a client under test is given), a server context that presents it, and a
// TLS-terminating proxy that puts it in front of a plain local server.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "loopback_server.hpp"

namespace sb::test {

/// A self-signed certificate for "localhost" (DNS name only, a CA so it can be trusted as its own
/// anchor) and its private key, PEM.
struct TestCertificate {
  std::string certificate;
  std::string key;
};

inline TestCertificate make_certificate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_set_version(x, 2);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  auto pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
  };
  TestCertificate c{pem([&](BIO* b) { PEM_write_bio_X509(b, x); }), pem([&](BIO* b) {
                      PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
                    })};
  X509_free(x);
  EVP_PKEY_free(key);
  return c;
}

/// The test binary's one certificate, made on first use.
inline const TestCertificate& certificate() {
  static const TestCertificate c = make_certificate();
  return c;
}

/// A server context that presents certificate().
inline boost::asio::ssl::context tls_server_context() {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx(ssl::context::tls_server);
  ctx.use_certificate_chain(boost::asio::buffer(certificate().certificate));
  ctx.use_private_key(boost::asio::buffer(certificate().key), ssl::context::pem);
  return ctx;
}

/// Copies bytes from `from` to `to` until either side fails, then closes both.
template <class From, class To>
boost::asio::awaitable<void> pump(From& from, To& to) {
  namespace asio = boost::asio;
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  char buffer[16 * 1024];
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buffer), kTuple);
    if (ec) break;
    auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buffer, n), kTuple);
    if (wec) break;
  }
  boost::system::error_code ignored;
  to.lowest_layer().close(ignored);
  from.lowest_layer().close(ignored);
}

/// Terminates TLS with certificate() and passes the bytes on to 127.0.0.1:`port`.
class TlsProxy {
 public:
  explicit TlsProxy(std::uint16_t port)
      : port_(port),
        server_([this](LoopbackServer::Socket socket) { return serve(std::move(socket)); }) {}

  /// `scheme`://localhost:PORT`path` (localhost: the name the certificate holds).
  std::string url(std::string_view path, std::string_view scheme) const {
    return std::string(scheme) + "://localhost:" + std::to_string(server_.port()) +
           std::string(path);
  }

 private:
  using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  boost::asio::awaitable<void> serve(LoopbackServer::Socket socket) {
    namespace asio = boost::asio;
    constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
    auto tls = std::make_shared<TlsStream>(std::move(socket), context());
    auto [ec] = co_await tls->async_handshake(asio::ssl::stream_base::server, kTuple);
    if (ec) co_return;
    auto upstream = std::make_shared<asio::ip::tcp::socket>(tls->get_executor());
    auto [cec] =
        co_await upstream->async_connect({asio::ip::make_address("127.0.0.1"), port_}, kTuple);
    if (cec) co_return;
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(
        executor, [tls, upstream]() -> asio::awaitable<void> { co_await pump(*upstream, *tls); },
        asio::detached);
    co_await pump(*tls, *upstream);
  }
  static boost::asio::ssl::context& context() {
    static boost::asio::ssl::context c = tls_server_context();
    return c;
  }

  std::uint16_t port_;
  LoopbackServer server_;
};

}  // namespace sb::test
