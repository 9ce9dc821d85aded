#include "telephony/signatures.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/codec.hpp"
#include "telephony/form.hpp"

namespace sb::telephony {
namespace {

// ---- helpers built on OpenSSL directly, independent of the code under test ----

std::string b64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string b64url(std::string_view data) {
  std::string s = b64(data);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

std::string hs256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256_hex_of(std::string_view data) {
  unsigned char d[32];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string jwt(std::string_view header, std::string_view claims, std::string_view key) {
  const std::string input = b64url(header) + "." + b64url(claims);
  return input + "." + b64url(hs256(key, input));
}

// ---- Twilio ----

// Twilio's documented example (docs/usage/security): auth token 12345, this URL and these
// parameters are signed "0/KCTR6DLpKmkAf8muzZqo1nDgQ=".
const http::Fields kTwilioParams = {{"CallSid", "CA1234567890ABCDE"},
                                    {"Caller", "+12349013030"},
                                    {"Digits", "1234"},
                                    {"From", "+12349013030"},
                                    {"To", "+18005551212"}};
constexpr std::string_view kTwilioUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr std::string_view kTwilioSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

TEST(TwilioSignature, DocumentedExample) {
  EXPECT_TRUE(twilio_signature_valid("12345", kTwilioUrl, kTwilioParams, kTwilioSignature));
}

TEST(TwilioSignature, ParameterOrderDoesNotMatterButEveryByteDoes) {
  http::Fields shuffled(kTwilioParams.rbegin(), kTwilioParams.rend());
  EXPECT_TRUE(twilio_signature_valid("12345", kTwilioUrl, shuffled, kTwilioSignature));
  http::Fields altered = kTwilioParams;
  altered[2].second = "1235";
  EXPECT_FALSE(twilio_signature_valid("12345", kTwilioUrl, altered, kTwilioSignature));
  EXPECT_FALSE(twilio_signature_valid("12346", kTwilioUrl, kTwilioParams, kTwilioSignature));
  EXPECT_FALSE(twilio_signature_valid("12345", "https://mycompany.com/myapp.php?foo=1&bar=3",
                                      kTwilioParams, kTwilioSignature));
  EXPECT_FALSE(twilio_signature_valid("12345", kTwilioUrl, kTwilioParams, ""));
  EXPECT_FALSE(twilio_signature_valid("", kTwilioUrl, kTwilioParams, kTwilioSignature));
}

TEST(TwilioSignature, DefaultPortMayBePresentOrAbsent) {
  EXPECT_TRUE(twilio_signature_valid("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                                     kTwilioParams, kTwilioSignature));
  EXPECT_FALSE(twilio_signature_valid("12345", "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
                                      kTwilioParams, kTwilioSignature));
}

TEST(TwilioSignature, FormBodyAsTwilioPostsIt) {
  const auto params = parse_form(
      "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030"
      "&To=%2B18005551212");
  EXPECT_TRUE(twilio_signature_valid("12345", kTwilioUrl, params, kTwilioSignature));
}

// ---- Vonage ----

constexpr std::string_view kSecret = "vonage-signature-secret";
constexpr std::string_view kBody = R"({"from":"447700900000","to":"447700900001"})";

std::string bearer(std::string_view claims,
                   std::string_view header = R"({"alg":"HS256","typ":"JWT"})",
                   std::string_view key = kSecret) {
  return "Bearer " + jwt(header, claims, key);
}

TEST(VonageSignature, ValidTokenWithPayloadHash) {
  const std::string claims = R"({"iat":1700000000,"jti":"x","iss":"Vonage","payload_hash":")" +
                             sha256_hex_of(kBody) + R"("})";
  EXPECT_TRUE(vonage_signature_valid(kSecret, bearer(claims), kBody));
  EXPECT_FALSE(vonage_signature_valid(kSecret, bearer(claims), R"({"from":"0"})"));
  EXPECT_FALSE(vonage_signature_valid("other-secret", bearer(claims), kBody));
  EXPECT_FALSE(
      vonage_signature_valid(kSecret, bearer(claims, R"({"alg":"HS256"})", "other"), kBody));
}

TEST(VonageSignature, BodyWithoutPayloadHashIsRejected) {
  EXPECT_FALSE(vonage_signature_valid(kSecret, bearer(R"({"iat":1700000000})"), kBody));
  // No body (an answer webhook sent as GET): the signature alone is enough.
  EXPECT_TRUE(vonage_signature_valid(kSecret, bearer(R"({"iat":1700000000})"), ""));
}

TEST(VonageSignature, OnlyHs256) {
  const std::string claims = R"({"payload_hash":")" + sha256_hex_of(kBody) + R"("})";
  EXPECT_FALSE(vonage_signature_valid(kSecret, bearer(claims, R"({"alg":"none"})"), kBody));
  EXPECT_FALSE(vonage_signature_valid(kSecret, bearer(claims, R"({"alg":"HS512"})"), kBody));
  EXPECT_FALSE(vonage_signature_valid(kSecret, bearer(claims, R"({"typ":"JWT"})"), kBody));
  // alg "none" with an empty signature part.
  const std::string unsigned_token =
      "Bearer " + b64url(R"({"alg":"none"})") + "." + b64url(claims) + ".";
  EXPECT_FALSE(vonage_signature_valid(kSecret, unsigned_token, kBody));
}

TEST(VonageSignature, MalformedHeadersAreRejected) {
  const std::string token = jwt(R"({"alg":"HS256"})", "{}", kSecret);
  EXPECT_TRUE(vonage_signature_valid(kSecret, "bearer  " + token, ""));
  EXPECT_FALSE(vonage_signature_valid(kSecret, token, ""));  // no scheme
  EXPECT_FALSE(vonage_signature_valid(kSecret, "Basic " + token, ""));
  EXPECT_FALSE(vonage_signature_valid(kSecret, "Bearer a.b", ""));
  EXPECT_FALSE(vonage_signature_valid(kSecret, "Bearer " + token + ".x", ""));
  EXPECT_FALSE(vonage_signature_valid(kSecret, "Bearer !!.??.##", ""));
  EXPECT_FALSE(vonage_signature_valid("", "Bearer " + jwt(R"({"alg":"HS256"})", "{}", ""), ""));
}

TEST(VonageSignature, ExpiryWhenTheTimeIsGiven) {
  const auto token = bearer(R"({"exp":1000,"nbf":500})");
  EXPECT_TRUE(vonage_signature_valid(kSecret, token, "", 900));
  EXPECT_FALSE(vonage_signature_valid(kSecret, token, "", 1001));
  EXPECT_FALSE(vonage_signature_valid(kSecret, token, "", 499));
}

// ---- Telnyx ----

struct Ed25519Key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, &EVP_PKEY_free};

  Ed25519Key() {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), &EVP_PKEY_CTX_free);
    EVP_PKEY* raw = nullptr;
    EVP_PKEY_keygen_init(ctx.get());
    EVP_PKEY_keygen(ctx.get(), &raw);
    key.reset(raw);
  }
  std::string public_base64() const {
    unsigned char pub[32];
    std::size_t len = sizeof pub;
    EVP_PKEY_get_raw_public_key(key.get(), pub, &len);
    return b64(std::string_view(reinterpret_cast<char*>(pub), len));
  }
  std::string sign_base64(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    unsigned char sig[64];
    std::size_t len = sizeof sig;
    EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get());
    EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                   message.size());
    return b64(std::string_view(reinterpret_cast<char*>(sig), len));
  }
};

constexpr std::string_view kTelnyxBody = R"({"data":{"event_type":"call.initiated"}})";

TEST(TelnyxSignature, ValidSignature) {
  const Ed25519Key key;
  const std::string sig = key.sign_base64(std::string("1700000000|") + std::string(kTelnyxBody));
  EXPECT_TRUE(
      telnyx_signature_valid(key.public_base64(), "1700000000", kTelnyxBody, sig, 1700000010));
}

TEST(TelnyxSignature, TamperingOrAnotherKeyFails) {
  const Ed25519Key key, other;
  const std::string sig = key.sign_base64(std::string("1700000000|") + std::string(kTelnyxBody));
  EXPECT_FALSE(
      telnyx_signature_valid(other.public_base64(), "1700000000", kTelnyxBody, sig, 1700000000));
  EXPECT_FALSE(
      telnyx_signature_valid(key.public_base64(), "1700000001", kTelnyxBody, sig, 1700000000));
  EXPECT_FALSE(
      telnyx_signature_valid(key.public_base64(), "1700000000", R"({"data":{}})", sig, 1700000000));
  EXPECT_FALSE(
      telnyx_signature_valid(key.public_base64(), "1700000000", kTelnyxBody, "", 1700000000));
  EXPECT_FALSE(telnyx_signature_valid("not base64!", "1700000000", kTelnyxBody, sig, 1700000000));
  EXPECT_FALSE(telnyx_signature_valid(key.public_base64(), "17e8", kTelnyxBody, sig, 1700000000));
}

TEST(TelnyxSignature, TimestampsMoreThanFiveMinutesAwayAreRejected) {
  const Ed25519Key key;
  const std::string sig = key.sign_base64(std::string("1700000000|") + std::string(kTelnyxBody));
  const auto pub = key.public_base64();
  EXPECT_TRUE(telnyx_signature_valid(pub, "1700000000", kTelnyxBody, sig, 1700000300));
  EXPECT_FALSE(telnyx_signature_valid(pub, "1700000000", kTelnyxBody, sig, 1700000301));
  EXPECT_FALSE(telnyx_signature_valid(pub, "1700000000", kTelnyxBody, sig, 1699999699));
}

TEST(TelnyxSignature, DerEncodedPublicKeyIsAccepted) {
  const Ed25519Key key;
  const std::string sig = key.sign_base64(std::string("1700000000|") + std::string(kTelnyxBody));
  const std::string der = std::string("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12) +
                          *base64_decode(key.public_base64());
  EXPECT_TRUE(telnyx_signature_valid(b64(der), "1700000000", kTelnyxBody, sig, 1700000000));
}

// ---- base64 and forms ----

TEST(Base64, RoundTripsBothAlphabets) {
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(*base64_decode("+/8="), "\xfb\xff");
  EXPECT_EQ(*base64_decode("-_8"), "\xfb\xff");
  EXPECT_EQ(*base64_decode(""), "");
  EXPECT_FALSE(base64_decode("a"));
  EXPECT_FALSE(base64_decode("ab$d"));
}

TEST(Form, DecodesPlusPercentAndOddPairs) {
  const auto f = parse_form("a=1&b=hello+world&c=%2B1%20415&&d&e=&%E2%9C%93=ok&bad=%zz%4");
  const http::Fields expected = {{"a", "1"}, {"b", "hello world"},   {"c", "+1 415"}, {"d", ""},
                                 {"e", ""},  {"\xE2\x9C\x93", "ok"}, {"bad", "%zz%4"}};
  EXPECT_EQ(f, expected);
  EXPECT_TRUE(parse_form("").empty());
}

}  // namespace
}  // namespace sb::telephony
