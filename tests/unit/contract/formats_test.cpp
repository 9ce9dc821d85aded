// The text checks behind `format`, query numbers and message bounds.

#include <gtest/gtest.h>

#include "contract/formats.hpp"

namespace sb::contract {
namespace {

TEST(Iso8601, AcceptsRfc3339AndDates) {
  for (const char* s :
       {"2024-01-15T09:30:00Z", "2024-01-15T09:30:00.123Z", "2024-01-15T09:30:00+02:00",
        "2024-01-15T09:30:00.5-0530", "2024-01-15t09:30:00z", "2024-01-15 09:30:00",
        "2024-01-15T09:30", "2024-01-15T09:30+01", "2024-01-15", "2016-12-31T23:59:60Z"}) {
    EXPECT_TRUE(is_iso8601(s)) << s;
  }
}

TEST(Iso8601, RejectsOtherText) {
  for (const char* s :
       {"", "yesterday", "2024-1-15", "2024-13-01", "2024-01-32", "2024-01-00", "2024-01-15T",
        "2024-01-15T25:00:00Z", "2024-01-15T09:61:00Z", "2024-01-15T09:30:00.Z",
        "2024-01-15T09:30:00+2", "2024-01-15T09:30:00Zjunk", "15/01/2024", "1705311000"}) {
    EXPECT_FALSE(is_iso8601(s)) << s;
  }
}

TEST(Uuid, AcceptsAnyVersion) {
  EXPECT_TRUE(is_uuid("0b9e6c57-3a1f-4f0e-9c41-8d2f3b7a6e10"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_TRUE(is_uuid("0B9E6C57-3A1F-1F0E-0C41-8D2F3B7A6E10"));
  EXPECT_FALSE(is_uuid("0b9e6c573a1f4f0e9c418d2f3b7a6e10"));
  EXPECT_FALSE(is_uuid("0b9e6c57-3a1f-4f0e-9c41-8d2f3b7a6e1g"));
  EXPECT_FALSE(is_uuid("0b9e6c57-3a1f-4f0e-9c41-8d2f3b7a6e100"));
}

TEST(Url, NeedsASchemeAndARest) {
  for (const char* s :
       {"https://example.com", "http://localhost:3000/hook?x=1", "wss://a.b/ws",
        "sip:+14155550100@sip.example.com", "tel:+14155550100", "https://user:pw@example.com/x"}) {
    EXPECT_TRUE(is_url(s)) << s;
  }
  for (const char* s : {"", "example.com", "https://", "http:/x", "://x", "1http://x",
                        "https://exa mple.com", "sip:", "https://:80/x"}) {
    EXPECT_FALSE(is_url(s)) << s;
  }
}

TEST(Decimal, ParsesFiniteDecimalNumbers) {
  EXPECT_EQ(parse_decimal("12"), 12.0);
  EXPECT_EQ(parse_decimal("-0.5"), -0.5);
  EXPECT_EQ(parse_decimal("+3"), 3.0);
  EXPECT_EQ(parse_decimal(".5"), 0.5);
  EXPECT_EQ(parse_decimal("1e3"), 1000.0);
  for (const char* s :
       {"", "abc", "0x10", "Infinity", "NaN", "1e", "1.2.3", " 1", "1 ", "-", "1e999"}) {
    EXPECT_FALSE(parse_decimal(s).has_value()) << s;
  }
}

TEST(JsNumber, PrintsLikeJavaScript) {
  EXPECT_EQ(js_number(1000), "1000");
  EXPECT_EQ(js_number(0.5), "0.5");
  EXPECT_EQ(js_number(-0.0), "0");
  EXPECT_EQ(js_number(43200), "43200");
  EXPECT_EQ(js_number(1e-7), "1e-7");
  EXPECT_EQ(js_number(1e21), "1e+21");
  EXPECT_EQ(js_number(100000000), "100000000");
}

}  // namespace
}  // namespace sb::contract
