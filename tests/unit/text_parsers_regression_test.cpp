// Inputs fuzz_text_parsers found (fuzz/regressions/fuzz_text_parsers/), replayed through the
// fuzzer's own oracle in the normal test build, and the fixed behaviours pinned down by name.

#include <gtest/gtest.h>

#include "../../fuzz/oracles/regressions.hpp"
#include "../../fuzz/oracles/text_parsers.hpp"
#include "core/clock.hpp"
#include "core/text.hpp"

namespace sb {
namespace {

TEST(TextParsersRegression, CommittedReproducersPassTheOracle) {
  const auto inputs = fuzz::regression_inputs("fuzz_text_parsers", __FILE__);
  ASSERT_FALSE(inputs.empty()) << "fuzz/regressions/fuzz_text_parsers/ not found";
  for (const auto& [name, bytes] : inputs) EXPECT_EQ(fuzz::check_text_parsers(bytes), "") << name;
}

// fold_case decoded overlong forms, surrogates and values above U+10FFFF as if they were code
// points and re-encoded them: "\xC1\x81" (an overlong 'A') came out as "a", so a search for
// bytes that are not UTF-8 matched ordinary letters.
TEST(FoldCaseRegression, KeepsBytesThatAreNotWellFormedUtf8) {
  EXPECT_EQ(fold_case("\xC1\x81"), "\xC1\x81");                    // overlong 'A'
  EXPECT_EQ(fold_case("\xC0\xAF"), "\xC0\xAF");                    // overlong '/'
  EXPECT_EQ(fold_case("\xE0\x80\x80"), "\xE0\x80\x80");            // overlong NUL
  EXPECT_EQ(fold_case("\xED\xA0\x80"), "\xED\xA0\x80");            // a surrogate
  EXPECT_EQ(fold_case("\xF4\x90\x80\x80"), "\xF4\x90\x80\x80");    // above U+10FFFF
  EXPECT_EQ(fold_case("\xC3\x85\xC1\x81X"), "\xC3\xA5\xC1\x81x");  // Å, kept bytes, X
}

// An offset can move a four-digit date out of years 0000-9999; format_iso8601 then wrote
// "10000-01-01T…" and "-001-12-31T…", which parse_iso8601 did not read back.
TEST(ClockRegression, InstantsOutsideFourDigitYearsRoundTrip) {
  const auto late = parse_iso8601("9999-12-31T23:59:59.999-23:59");
  ASSERT_TRUE(late);
  EXPECT_EQ(format_iso8601(*late), "+010000-01-01T23:58:59.999Z");
  EXPECT_EQ(parse_iso8601(format_iso8601(*late)), late);

  const auto early = parse_iso8601("0000-01-01T00:00:00.000+23:59");
  ASSERT_TRUE(early);
  EXPECT_EQ(format_iso8601(*early), "-000001-12-31T00:01:00.000Z");
  EXPECT_EQ(parse_iso8601(format_iso8601(*early)), early);
}

TEST(ClockRegression, ExpandedYearsStayWithinJavaScriptsDateRange) {
  EXPECT_EQ(parse_iso8601("+275760-09-13T00:00:00.000Z"), 8'640'000'000'000'000);
  EXPECT_EQ(parse_iso8601("-271821-04-20T00:00:00.000Z"), -8'640'000'000'000'000);
  EXPECT_FALSE(parse_iso8601("+275760-09-13T00:00:00.001Z"));
  EXPECT_FALSE(parse_iso8601("+999999-12-31"));
  EXPECT_FALSE(parse_iso8601("-000000-01-01"));  // no negative zero year, as in JavaScript
  EXPECT_FALSE(parse_iso8601("+10000-01-01"));   // expanded years have six digits
  EXPECT_EQ(parse_iso8601("+002024-01-15T09:30:00Z"), parse_iso8601("2024-01-15T09:30:00Z"));
}

}  // namespace
}  // namespace sb
