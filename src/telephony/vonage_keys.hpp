#pragma once
// The keys of a Vonage application: the Voice API takes only requests that carry a JWT signed
// (RS256) with the private key of an application whose public key Vonage holds. This server
// makes the key pair when it writes its application (number import), keeps the private key
// sealed on the vonage credential, and signs each request's token with it.

#include <cstdint>
#include <string>
#include <string_view>

namespace sb::telephony {

struct RsaKeyPair {
  std::string private_pem;  ///< PKCS#8, "-----BEGIN PRIVATE KEY-----..."
  std::string public_pem;   ///< SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----..."
};

/// A fresh 2048-bit RSA key pair (tens of milliseconds of CPU). Throws std::runtime_error if
/// OpenSSL cannot make one.
RsaKeyPair new_rsa_key_pair();

/// The Voice API's bearer token: header {alg: RS256, typ: JWT}, claims {application_id, iat,
/// nbf, exp (iat + 15 min), jti (random)}, signed with `private_pem`. "" when the key cannot
/// be read or sign.
std::string vonage_application_jwt(std::string_view application_id, std::string_view private_pem,
                                   std::int64_t now_seconds);

}  // namespace sb::telephony
