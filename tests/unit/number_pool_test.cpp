#include "domain/phone_numbers/number_pool.hpp"

#include <gtest/gtest.h>

namespace sb::phone_numbers {
namespace {

TEST(NumberPool, GroupsByAreaCodeInFileOrder) {
  auto pool = NumberPool::from_lines(
      "# operator pool\n+14155550100\n  +14155550101  \n\n+12125550100 # NYC\n+14155550100\n");
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_EQ(pool.candidates("415"), (std::vector<std::string>{"+14155550100", "+14155550101"}));
  EXPECT_EQ(pool.candidates("212").size(), 1u);
  EXPECT_TRUE(pool.candidates("999").empty());
}

TEST(NumberPool, RejectsNumbersWithoutAnAreaCode) {
  EXPECT_THROW(NumberPool::from_lines("+14155550100\n+442071838750\n"), std::runtime_error);
  EXPECT_THROW(NumberPool::from_lines("4155550100\n"), std::runtime_error);
}

}  // namespace
}  // namespace sb::phone_numbers
