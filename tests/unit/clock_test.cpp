#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace sb {
namespace {

TEST(Clock, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(1705311000123), "2024-01-15T09:30:00.123Z");
}

TEST(Clock, ParsesWhatFormatWrites) {
  for (EpochMs ms : {0LL, 1705311000123LL, 951782400000LL /* 2000-02-29 */})
    EXPECT_EQ(parse_iso8601(format_iso8601(ms)), ms);
}

TEST(Clock, ParsesOffsetsFractionsAndDates) {
  EXPECT_EQ(parse_iso8601("2024-01-15T09:30:00Z"), 1705311000000);
  EXPECT_EQ(parse_iso8601("2024-01-15T10:30:00+01:00"), 1705311000000);
  EXPECT_EQ(parse_iso8601("2024-01-15T09:30:00.1234567Z"), 1705311000123);
  EXPECT_EQ(parse_iso8601("2024-01-15"), 1705276800000);
}

TEST(Clock, RejectsWhatIsNotADate) {
  for (const char* bad : {"", "yesterday", "2024-13-01", "2024-02-30", "2024-01-15T25:00:00Z",
                          "2024-01-15T09:30:00Zjunk", "2024-01-15T09:30:00."})
    EXPECT_FALSE(parse_iso8601(bad)) << bad;
}

}  // namespace
}  // namespace sb
