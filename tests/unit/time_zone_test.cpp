#include "core/time_zone.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace sb {
namespace {

constexpr int kHour = 3600;

TEST(ChatTimeZone, PosixRuleSwitchesAtTheLocalTimesItNames) {
  const auto ny = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(ny);
  // 2024: DST from Sunday 10 March 02:00 EST (07:00 UTC) to Sunday 3 November 02:00 EDT.
  EXPECT_EQ(ny->offset_at(1710053999), -5 * kHour);
  EXPECT_EQ(ny->offset_at(1710054000), -4 * kHour);
  EXPECT_EQ(ny->offset_at(1730613599), -4 * kHour);
  EXPECT_EQ(ny->offset_at(1730613600), -5 * kHour);
}

TEST(ChatTimeZone, PosixRuleSouthernSummerSpansTheNewYear) {
  const auto sydney = TimeZone::from_posix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney);
  EXPECT_EQ(sydney->offset_at(1704067200), 11 * kHour);  // 2024-01-01
  EXPECT_EQ(sydney->offset_at(1719792000), 10 * kHour);  // 2024-07-01
}

TEST(ChatTimeZone, PosixRuleWithoutDstAndWithAngleBracketNames) {
  EXPECT_EQ(TimeZone::from_posix("<+0530>-5:30")->offset_at(0), 5 * kHour + 1800);
  EXPECT_EQ(TimeZone::from_posix("UTC0")->offset_at(1704067200), 0);
  EXPECT_FALSE(TimeZone::from_posix("EST"));
  EXPECT_FALSE(TimeZone::from_posix("EST5EDT,M13.1.0,M11.1.0"));
  EXPECT_FALSE(TimeZone::from_posix("EST5EDT,M3.2.0"));
}

TEST(ChatTimeZone, RejectsNamesThatAreNotPlainRelativePaths) {
  EXPECT_EQ(TimeZone::find("../../etc/passwd"), nullptr);
  EXPECT_EQ(TimeZone::find("/etc/localtime"), nullptr);
  EXPECT_EQ(TimeZone::find("America/../../etc/passwd"), nullptr);
  EXPECT_EQ(TimeZone::find("No/Such_Zone"), nullptr);
  EXPECT_EQ(TimeZone::find(""), nullptr);
  ASSERT_NE(TimeZone::find("UTC"), nullptr);
  EXPECT_EQ(TimeZone::find("UTC")->offset_at(1704067200), 0);
}

TEST(ChatTimeZone, ReadsTheSystemDatabaseBeforeAndAfterItsLastTransition) {
  const auto ny = TimeZone::find("America/New_York");
  if (!ny) GTEST_SKIP() << "no tz database (/usr/share/zoneinfo) on this machine";
  EXPECT_EQ(ny->offset_at(1705339800), -5 * kHour);   // 2024-01-15
  EXPECT_EQ(ny->offset_at(1721064600), -4 * kHour);   // 2024-07-15
  EXPECT_EQ(ny->offset_at(4118083200), -4 * kHour);   // 2100-07-01: the footer's rule
  EXPECT_EQ(ny->offset_at(-1577923200), -5 * kHour);  // 1920-01-01
  EXPECT_EQ(TimeZone::find("America/New_York"), ny) << "loaded once";
  const auto kolkata = TimeZone::find("Asia/Kolkata");
  ASSERT_NE(kolkata, nullptr);
  EXPECT_EQ(kolkata->offset_at(1704067200), 5 * kHour + 1800);
}

TEST(ChatTimeZone, MalformedTzifDataIsRejected) {
  EXPECT_FALSE(TimeZone::from_tzif(""));
  EXPECT_FALSE(TimeZone::from_tzif("TZif2 not really a zone file at all, just text"));
  std::ifstream in("/usr/share/zoneinfo/America/New_York", std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (bytes.empty()) GTEST_SKIP() << "no tz database on this machine";
  ASSERT_TRUE(TimeZone::from_tzif(bytes));
  for (const std::size_t cut : {10u, 44u, 100u, 1500u}) {
    EXPECT_FALSE(TimeZone::from_tzif(std::string_view(bytes).substr(0, cut))) << cut;
  }
}

}  // namespace
}  // namespace sb
