#include "domain/phone_numbers/phone_number_rules.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sb::phone_numbers {
namespace {

boost::json::object obj(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(PhoneNumberRules, E164) {
  EXPECT_TRUE(is_e164("+14155550100"));
  EXPECT_TRUE(is_e164("+442071838750"));
  EXPECT_FALSE(is_e164("14155550100"));        // no plus
  EXPECT_FALSE(is_e164("+04155550100"));       // country code cannot start with 0
  EXPECT_FALSE(is_e164("+1415555010012345"));  // 16 digits
  EXPECT_FALSE(is_e164("+1415-555-0100"));
  EXPECT_FALSE(is_e164("+"));
}

TEST(PhoneNumberRules, RelaxedNumbersAreAlphanumericWithOptionalPlus) {
  EXPECT_TRUE(is_relaxed_number("+001234567890"));
  EXPECT_TRUE(is_relaxed_number("1234"));
  EXPECT_TRUE(is_relaxed_number("abc"));
  EXPECT_FALSE(is_relaxed_number("+"));
  EXPECT_FALSE(is_relaxed_number("12 34"));
  EXPECT_FALSE(is_relaxed_number("a.b"));
}

TEST(PhoneNumberRules, SipUriUserIsLowerCased) {
  auto uri = parse_sip_uri("sip:Alice.Smith@Example.COM;transport=tcp");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->user, "alice.smith");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_TRUE(parse_sip_uri("sips:bob@10.0.0.1:5061"));
  EXPECT_FALSE(parse_sip_uri("sip:@example.com"));
  EXPECT_FALSE(parse_sip_uri("sip:alice"));
  EXPECT_FALSE(parse_sip_uri("http://alice@example.com"));
  EXPECT_FALSE(parse_sip_uri("sip:al ice@example.com"));
}

TEST(PhoneNumberRules, NanpAreaCode) {
  EXPECT_EQ(nanp_area_code("+14155550100"), "415");
  EXPECT_FALSE(nanp_area_code("+442071838750"));
  EXPECT_FALSE(nanp_area_code("+1415555010"));
}

TEST(PhoneNumberRules, ByoNumberIsE164UnlessTheCheckIsOff) {
  EXPECT_TRUE(check_document(obj(R"({"provider":"byo-phone-number","credentialId":"c",
                                     "number":"+14155550100"})"))
                  .empty());
  EXPECT_EQ(check_document(obj(R"({"provider":"byo-phone-number","credentialId":"c",
                                   "number":"1234"})"))
                .size(),
            1u);
  EXPECT_TRUE(check_document(obj(R"({"provider":"byo-phone-number","credentialId":"c",
                                     "number":"1234","numberE164CheckEnabled":false})"))
                  .empty());
  EXPECT_EQ(check_document(obj(R"({"provider":"byo-phone-number","credentialId":"c",
                                   "number":"12 34","numberE164CheckEnabled":false})"))
                .size(),
            1u);
}

TEST(PhoneNumberRules, ProviderNumbersMustBeE164) {
  for (const char* provider : {"twilio", "vonage", "telnyx"}) {
    auto doc = obj(R"({"number":"4155550100","credentialId":"c","twilioAccountSid":"AC1"})");
    doc["provider"] = provider;
    EXPECT_EQ(check_document(doc).size(), 1u) << provider;
    doc["number"] = "+14155550100";
    EXPECT_TRUE(check_document(doc).empty()) << provider;
  }
}

TEST(PhoneNumberRules, VapiNumbersNeedAnAreaCodeOrASipUri) {
  EXPECT_EQ(check_document(obj(R"({"provider":"vapi"})")).size(), 1u);
  EXPECT_TRUE(check_document(obj(R"({"provider":"vapi","sipUri":"sip:a@b.c"})")).empty());
  EXPECT_TRUE(check_document(obj(R"({"provider":"vapi","numberDesiredAreaCode":"415"})")).empty());
  EXPECT_EQ(check_document(obj(R"({"provider":"vapi","sipUri":"alice"})")).size(), 1u);
  EXPECT_EQ(check_document(obj(R"({"provider":"vapi","numberDesiredAreaCode":"4a5"})")).size(), 1u);
}

}  // namespace
}  // namespace sb::phone_numbers
