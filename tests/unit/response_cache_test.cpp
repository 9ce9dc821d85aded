#include "api/common/response_cache.hpp"

#include <gtest/gtest.h>

namespace sb::api {
namespace {

ResponseCache::Body text(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

TEST(ResponseCache, ObjectsAreScopedToTheirOrg) {
  ResponseCache cache(10, 1 << 20);
  cache.offer_object("org-a", "id-1", text("v1"), cache.generation("org-a"));
  ASSERT_TRUE(cache.find_object("org-a", "id-1"));
  EXPECT_EQ(*cache.find_object("org-a", "id-1"), "v1");
  EXPECT_FALSE(cache.find_object("org-b", "id-1"));
}

TEST(ResponseCache, AReadThatRacedAWriteIsNotCached) {
  ResponseCache cache(10, 1 << 20);
  const auto seen = cache.generation("org-a");
  cache.committed_write("org-a", "id-1", text("v2"));  // lands while the reader reads v1
  cache.offer_object("org-a", "id-1", text("v1"), seen);
  cache.offer_list("org-a", "limit=10", text("[v1]"), seen);
  EXPECT_FALSE(cache.find_object("org-a", "id-1"));
  EXPECT_FALSE(cache.find_list("org-a", "limit=10"));
}

TEST(ResponseCache, WritesRefreshObjectsAndMakeTheOrgsListsStale) {
  ResponseCache cache(10, 1 << 20);
  cache.offer_object("org-a", "id-1", text("v1"), cache.generation("org-a"));
  cache.offer_list("org-a", "q", text("[v1]"), cache.generation("org-a"));
  cache.offer_list("org-b", "q", text("[b]"), cache.generation("org-b"));

  cache.committed_write("org-a", "id-1", text("v2"));
  EXPECT_EQ(*cache.find_object("org-a", "id-1"), "v2");
  EXPECT_FALSE(cache.find_list("org-a", "q"));
  EXPECT_TRUE(cache.find_list("org-b", "q"));  // other orgs are untouched

  cache.committed_write("org-a", "id-1", nullptr);  // deleted
  EXPECT_FALSE(cache.find_object("org-a", "id-1"));
}

TEST(ResponseCache, ClearDropsEverythingAndRefusesWhatWasReadBefore) {
  ResponseCache cache(10, 1 << 20);
  const auto before_a = cache.generation("org-a");
  cache.committed_write("org-b", "x", nullptr);  // org-b's count is now 1, org-a's 0
  const auto before_b = cache.generation("org-b");
  cache.offer_object("org-a", "id-1", text("v1"), before_a);
  cache.offer_list("org-b", "q", text("[b]"), before_b);
  cache.clear();
  EXPECT_FALSE(cache.find_object("org-a", "id-1"));
  EXPECT_FALSE(cache.find_list("org-b", "q"));
  // Readers that began before the clear offer what they read: refused, though the per-org
  // counts started again from nothing.
  cache.offer_object("org-a", "id-1", text("old"), before_a);
  cache.offer_list("org-b", "q", text("[old]"), before_b);
  EXPECT_FALSE(cache.find_object("org-a", "id-1"));
  EXPECT_FALSE(cache.find_list("org-b", "q"));
  // Reads after it are kept again.
  cache.offer_object("org-a", "id-1", text("new"), cache.generation("org-a"));
  ASSERT_TRUE(cache.find_object("org-a", "id-1"));
  EXPECT_EQ(*cache.find_object("org-a", "id-1"), "new");
}

TEST(ResponseCache, WritesDoNotCacheObjectsNobodyRead) {
  ResponseCache cache(10, 1 << 20);
  cache.committed_write("org-a", "new", text("created"));
  EXPECT_FALSE(cache.find_object("org-a", "new"));
}

TEST(ResponseCache, StaysWithinItsBounds) {
  ResponseCache cache(2, 100);
  for (int i = 0; i < 5; ++i)
    cache.offer_object("o", "id-" + std::to_string(i), text("x"), cache.generation("o"));
  int cached = 0;
  for (int i = 0; i < 5; ++i)
    cached += cache.find_object("o", "id-" + std::to_string(i)) != nullptr;
  EXPECT_EQ(cached, 2);

  cache.offer_list("o", "huge", text(std::string(60, 'x')), cache.generation("o"));
  EXPECT_FALSE(cache.find_list("o", "huge"));  // over a quarter of the budget
  for (int i = 0; i < 10; ++i)
    cache.offer_list("o", "q" + std::to_string(i), text(std::string(20, 'x')),
                     cache.generation("o"));
  int lists = 0;
  for (int i = 0; i < 10; ++i) lists += cache.find_list("o", "q" + std::to_string(i)) != nullptr;
  EXPECT_LE(lists * 20, 100);
  EXPECT_GE(lists, 1);
}

}  // namespace
}  // namespace sb::api
