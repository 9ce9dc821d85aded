#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/codec.hpp"
#include "telephony/vonage_keys.hpp"
#include "telephony/vonage_outbound.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;

std::string from_base64url(std::string text) {
  for (auto& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  return base64_decode(text).value_or("<bad base64>");
}

// Whether `jwt` is signed (RS256) by the private half of `public_pem`, as Vonage checks it.
bool signed_by(const std::string& jwt, const std::string& public_pem) {
  const auto last_dot = jwt.rfind('.');
  const std::string input = jwt.substr(0, last_dot);
  const std::string signature = from_base64url(jwt.substr(last_dot + 1));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return key && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

TEST(VonageKeys, TheApplicationTokenIsSignedWithThePrivateKeyAndNamesTheApplication) {
  const auto keys = new_rsa_key_pair();
  EXPECT_TRUE(keys.private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  EXPECT_TRUE(keys.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
  const auto jwt = vonage_application_jwt("app-1", keys.private_pem, 1'700'000'000);
  ASSERT_FALSE(jwt.empty());
  EXPECT_TRUE(signed_by(jwt, keys.public_pem));
  EXPECT_FALSE(signed_by(jwt, new_rsa_key_pair().public_pem));

  const auto first_dot = jwt.find('.');
  const auto header = json::parse(from_base64url(jwt.substr(0, first_dot)));
  EXPECT_EQ(header.at("alg"), "RS256");
  const auto claims =
      json::parse(from_base64url(jwt.substr(first_dot + 1, jwt.rfind('.') - first_dot - 1)));
  EXPECT_EQ(claims.at("application_id"), "app-1");
  EXPECT_EQ(claims.at("iat"), 1'700'000'000);
  EXPECT_EQ(claims.at("exp"), 1'700'000'000 + 900);
  EXPECT_FALSE(claims.at("jti").as_string().empty());
  // Each token is its own (Vonage refuses a jti it has seen).
  EXPECT_NE(vonage_application_jwt("app-1", keys.private_pem, 1'700'000'000), jwt);
}

TEST(VonageKeys, AKeyThatCannotBeReadSignsNothing) {
  EXPECT_EQ(vonage_application_jwt("app-1", "not a key", 1'700'000'000), "");
}

TEST(VonageOutbound, TheDialBodyConnectsTheCallsAudioToThisServer) {
  OutboundDial dial{"+16505550100",
                    "+14155550100",
                    "wss://sb.example/vonage/stream/c1?token=t",
                    "c1",
                    "https://sb.example/vonage/outbound_status/c1",
                    0,
                    std::nullopt,
                    {}};
  const auto body = json::parse(vonage_dial_body(dial)).as_object();
  EXPECT_EQ(json::serialize(body.at("to")), R"([{"type":"phone","number":"16505550100"}])");
  EXPECT_EQ(json::serialize(body.at("from")), R"({"type":"phone","number":"14155550100"})");
  EXPECT_EQ(json::serialize(body.at("ncco")),
            R"([{"action":"connect","endpoint":[{"type":"websocket",)"
            R"("uri":"wss://sb.example/vonage/stream/c1?token=t",)"
            R"("content-type":"audio/l16;rate=16000","headers":{"callId":"c1"}}]}])");
  EXPECT_EQ(json::serialize(body.at("event_url")),
            R"(["https://sb.example/vonage/outbound_status/c1"])");
  EXPECT_EQ(body.at("event_method"), "POST");
  EXPECT_FALSE(body.contains("ringing_timer"));
  dial.ring_seconds = 500;  // Vonage takes 1-120 s
  EXPECT_EQ(json::parse(vonage_dial_body(dial)).at("ringing_timer"), 120);
  EXPECT_FALSE(body.contains("advanced_machine_detection"));
}

TEST(VonageOutbound, MachineDetectionIsAdvancedAsynchronousAndKeepsTheCallGoing) {
  OutboundDial dial{"+16505550100",
                    "+14155550100",
                    "wss://sb.example/vonage/stream/c1?token=t",
                    "c1",
                    "https://sb.example/vonage/outbound_status/c1",
                    0,
                    MachineDetection{"https://sb.example/vonage/amd_status/c1", 20, 2400, 1500, {}},
                    {}};
  const auto body = json::parse(vonage_dial_body(dial)).as_object();
  // Its verdicts come to the event URL; Twilio's tuning has no Vonage counterpart.
  EXPECT_EQ(json::serialize(body.at("advanced_machine_detection")),
            R"({"behavior":"continue","mode":"default"})");
  EXPECT_EQ(json::serialize(body.at("event_url")),
            R"(["https://sb.example/vonage/outbound_status/c1"])");
}

}  // namespace
}  // namespace sb::telephony
