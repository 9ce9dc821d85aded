#include "core/codec.hpp"

#include <gtest/gtest.h>

namespace sb {
namespace {

TEST(Codec, PercentEncodesAllButUnreserved) {
  EXPECT_EQ(percent_encode("+1 415/x?&=é~._-"), "%2B1%20415%2Fx%3F%26%3D%C3%A9~._-");
  EXPECT_EQ(percent_encode("AZaz09"), "AZaz09");
  EXPECT_EQ(percent_encode(std::string_view("\0\xff", 2)), "%00%FF");
}

TEST(Codec, Base64RoundTripsAndHexIsLowerCase) {
  EXPECT_EQ(base64_encode("any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
  EXPECT_EQ(base64_decode("YW55IGNhcm5hbCBwbGVhcw"), "any carnal pleas");
  EXPECT_EQ(base64_decode("not base64!"), std::nullopt);
  EXPECT_EQ(hex_encode("\x01\xab"), "01ab");
}

}  // namespace
}  // namespace sb
