#include "telephony/signatures.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/codec.hpp"
#include "core/crypto.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()), bytes(data), data.size(), out, &len)) {
    return {};
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

// ---- Twilio ----

// The same URL with the scheme's default port toggled: "https://h/x" ↔ "https://h:443/x".
// nullopt when the URL has another port or no recognisable authority.
std::optional<std::string> with_default_port_toggled(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = url.substr(0, scheme_end);
  const std::string_view port = scheme == "https" ? "443" : scheme == "http" ? "80" : "";
  if (port.empty()) return std::nullopt;
  const auto host_start = scheme_end + 3;
  const auto host_end = std::min(url.find_first_of("/?#", host_start), url.size());
  const std::string_view authority = url.substr(host_start, host_end - host_start);
  const auto colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
  std::string out(url.substr(0, host_start));
  if (has_port) {
    if (authority.substr(colon + 1) != port) return std::nullopt;
    out += authority.substr(0, colon);
  } else {
    out += authority;
    out += ':';
    out += port;
  }
  out += url.substr(host_end);
  return out;
}

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const http::Fields& sorted_params) {
  std::string data(url);
  for (const auto& [name, value] : sorted_params) data += name + value;
  return base64_encode(hmac(EVP_sha1(), auth_token, data));
}

// ---- JWT (Vonage) ----

struct Jwt {
  json::object header, claims;
  std::string signing_input;  // base64url(header) "." base64url(claims)
  std::string signature;      // raw bytes
};

std::optional<json::object> decode_json_object(std::string_view base64url) {
  const auto text = base64_decode(base64url);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto value = json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

std::optional<Jwt> parse_jwt(std::string_view token) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = decode_json_object(token.substr(0, first));
  auto claims = decode_json_object(token.substr(first + 1, second - first - 1));
  auto signature = base64_decode(token.substr(second + 1));
  if (!header || !claims || !signature) return std::nullopt;
  return Jwt{std::move(*header), std::move(*claims), std::string(token.substr(0, second)),
             std::move(*signature)};
}

std::string_view bearer_token(std::string_view authorization) {
  while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  if (authorization.size() < 7) return {};
  std::string scheme(authorization.substr(0, 7));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "bearer ") return {};
  authorization.remove_prefix(7);
  while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  while (!authorization.empty() && authorization.back() == ' ') authorization.remove_suffix(1);
  return authorization;
}

std::optional<double> number_claim(const json::object& claims, std::string_view key) {
  const auto* v = claims.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

// ---- Ed25519 (Telnyx) ----

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
constexpr unsigned char kEd25519SpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

std::optional<std::string> raw_ed25519_key(std::string_view public_key_base64) {
  auto key = base64_decode(public_key_base64);
  if (!key) return std::nullopt;
  const std::string_view prefix(reinterpret_cast<const char*>(kEd25519SpkiPrefix),
                                sizeof kEd25519SpkiPrefix);
  if (key->size() == prefix.size() + 32 && key->compare(0, prefix.size(), prefix) == 0) {
    key->erase(0, prefix.size());
  }
  if (key->size() != 32) return std::nullopt;
  return key;
}

bool ed25519_verify(std::string_view raw_key, std::string_view message,
                    std::string_view signature) {
  PKey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(raw_key), raw_key.size()),
           &EVP_PKEY_free);
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!key || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(message),
                          message.size()) == 1;
}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

constexpr std::int64_t kTelnyxTolerance = 300;

}  // namespace

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool twilio_signature_valid(std::string_view auth_token, std::string_view url,
                            const http::Fields& form_params, std::string_view signature) {
  if (auth_token.empty() || signature.empty()) return false;
  http::Fields sorted = form_params;
  std::sort(sorted.begin(), sorted.end());  // by name, then value for repeated names
  if (equal_in_constant_time(twilio_signature(auth_token, url, sorted), signature)) return true;
  const auto other_url = with_default_port_toggled(url);
  return other_url &&
         equal_in_constant_time(twilio_signature(auth_token, *other_url, sorted), signature);
}

bool vonage_signature_valid(std::string_view secret, std::string_view authorization,
                            std::string_view body, std::optional<std::int64_t> now_seconds) {
  if (secret.empty()) return false;
  const auto jwt = parse_jwt(bearer_token(authorization));
  if (!jwt) return false;
  const auto* alg = jwt->header.if_contains("alg");
  if (!alg || !alg->is_string() || alg->get_string() != "HS256") return false;
  if (!equal_in_constant_time(hmac(EVP_sha256(), secret, jwt->signing_input), jwt->signature)) {
    return false;
  }
  const auto* hash = jwt->claims.if_contains("payload_hash");
  if (hash || !body.empty()) {
    if (!hash || !hash->is_string()) return false;
    std::string claimed(hash->get_string());
    std::transform(claimed.begin(), claimed.end(), claimed.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!equal_in_constant_time(claimed, sha256_hex(body))) return false;
  }
  if (now_seconds) {
    const auto now = static_cast<double>(*now_seconds);
    if (const auto exp = number_claim(jwt->claims, "exp"); exp && *exp < now) return false;
    if (const auto nbf = number_claim(jwt->claims, "nbf"); nbf && *nbf > now) return false;
  }
  return true;
}

bool telnyx_signature_valid(std::string_view public_key_base64, std::string_view timestamp,
                            std::string_view body, std::string_view signature_base64,
                            std::int64_t now_seconds) {
  const auto seconds = parse_seconds(timestamp);
  if (!seconds || *seconds < now_seconds - kTelnyxTolerance ||
      *seconds > now_seconds + kTelnyxTolerance) {
    return false;
  }
  const auto key = raw_ed25519_key(public_key_base64);
  const auto signature = base64_decode(signature_base64);
  if (!key || !signature || signature->size() != 64) return false;
  std::string message(timestamp);
  message += '|';
  message += body;
  return ed25519_verify(*key, message, *signature);
}

}  // namespace sb::telephony
