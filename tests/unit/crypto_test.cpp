#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include "core/ids.hpp"

namespace sb {
namespace {

TEST(SecretBox, RoundTripsAndHidesThePlaintext) {
  SecretBox box(SecretBox::generate_key_hex());
  const std::string sealed = box.seal(R"({"twilioAuthToken":"super-secret"})");
  EXPECT_EQ(sealed.find("super-secret"), std::string::npos);
  EXPECT_EQ(box.open(sealed), R"({"twilioAuthToken":"super-secret"})");
  EXPECT_NE(box.seal("x"), box.seal("x"));  // fresh nonce each time
}

TEST(SecretBox, RejectsAlteredDataAndOtherKeys) {
  SecretBox box(SecretBox::generate_key_hex());
  std::string sealed = box.seal("secret");
  SecretBox other(SecretBox::generate_key_hex());
  EXPECT_THROW(other.open(sealed), std::runtime_error);
  sealed[sealed.size() / 2] ^= 1;
  EXPECT_THROW(box.open(sealed), std::runtime_error);
  EXPECT_THROW(SecretBox("abc"), std::invalid_argument);
}

TEST(Ids, UuidsAreVersion4AndUnique) {
  const auto a = new_uuid(), b = new_uuid();
  EXPECT_TRUE(is_uuid(a));
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
  EXPECT_FALSE(is_uuid("not-a-uuid"));
  EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
}

TEST(Crypto, Sha256) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace sb
