#include "core/text.hpp"

#include <gtest/gtest.h>

namespace sb {
namespace {

TEST(FoldCase, LowersLettersBeyondAscii) {
  EXPECT_EQ(fold_case("Ångström Désk"), "ångström désk");
  EXPECT_EQ(fold_case("ДОБРЫЙ день"), "добрый день");
  EXPECT_EQ(fold_case("ΑΒΓ abc 123 +1415"), "αβγ abc 123 +1415");
}

TEST(FoldCase, KeepsInvalidUtf8Bytes) {
  const std::string bad = "A\xff\xc3";
  EXPECT_EQ(fold_case(bad), "a\xff\xc3");
}

TEST(AsciiLower, OnlyTouchesAsciiLetters) {
  EXPECT_EQ(ascii_lower("5A8DA861-75D4-Ä"), "5a8da861-75d4-Ä");
}

}  // namespace
}  // namespace sb
