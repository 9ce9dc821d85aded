#include "telephony/vonage_keys.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json/object.hpp>

#include "core/codec.hpp"
#include "core/ids.hpp"
#include "core/json_text.hpp"

namespace sb::telephony {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string base64url(std::string_view bytes) {
  std::string text = base64_encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (auto& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return text;
}

}  // namespace

RsaKeyPair new_rsa_key_pair() {
  Key key(EVP_RSA_gen(2048), EVP_PKEY_free);
  if (!key) throw std::runtime_error("OpenSSL could not make an RSA key pair");
  Bio private_bio(BIO_new(BIO_s_mem()), BIO_free);
  Bio public_bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!private_bio || !public_bio ||
      !PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                nullptr) ||
      !PEM_write_bio_PUBKEY(public_bio.get(), key.get()))
    throw std::runtime_error("OpenSSL could not write an RSA key pair");
  return {bio_text(private_bio.get()), bio_text(public_bio.get())};
}

std::string vonage_application_jwt(std::string_view application_id, std::string_view private_pem,
                                   std::int64_t now_seconds) {
  Bio bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())), BIO_free);
  if (!bio) return {};
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) return {};
  const auto header = json_text(boost::json::object{{"alg", "RS256"}, {"typ", "JWT"}});
  const auto claims = json_text(boost::json::object{{"application_id", application_id},
                                                    {"iat", now_seconds},
                                                    {"nbf", now_seconds},
                                                    {"exp", now_seconds + 15 * 60},
                                                    {"jti", new_uuid()}});
  const std::string signing_input = base64url(header) + "." + base64url(claims);
  DigestContext ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1)
    return {};
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1)
    return {};
  signature.resize(size);
  return signing_input + "." + base64url(signature);
}

}  // namespace sb::telephony
