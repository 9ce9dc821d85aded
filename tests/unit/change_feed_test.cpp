// The store's change feed: one event per committed write of a resource, before the writer
// hears of its success; nothing for a write that was rolled back; nothing after unsubscribing.
#include "storage/change_feed.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "storage/resource_repository.hpp"
#include "store_backend.hpp"

namespace sb::storage {
namespace {

ResourceRecord record(std::string id, std::string document) {
  ResourceRecord r;
  r.kind = "assistant";
  r.id = std::move(id);
  r.org_id = "org-a";
  r.created_at = r.updated_at = 1;
  r.document = std::move(document);
  return r;
}

class ChangeFeedTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override { SB_SKIP_UNLESS_AVAILABLE(db_); }
  std::vector<ResourceChange> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  ChangeFeed::Subscription listen(Store& store) {
    return store.changes().subscribe([this](const ResourceChange& change) {
      std::lock_guard lock(mutex_);
      seen_.push_back(change);
    });
  }

  test::BackendDatabase db_{GetParam(), "sb-feed"};
  std::mutex mutex_;
  std::vector<ResourceChange> seen_;
};

INSTANTIATE_TEST_SUITE_P(Backends, ChangeFeedTest, SB_ALL_STORE_BACKENDS);

TEST_P(ChangeFeedTest, InsertsUpdatesAndDeletesArePublishedWithTheirDocuments) {
  auto store = db_.open_with_org(1);
  auto subscription = listen(*store);
  store->write_sync([](Session& s) { s.resources().insert(record("a1", R"({"v":1})")); });
  store->write_sync([](Session& s) { s.resources().update(record("a1", R"({"v":2})")); });
  store->write_sync([](Session& s) { s.resources().remove("assistant", "org-a", "a1", {}); });
  const auto changes = seen();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].kind, "assistant");
  EXPECT_EQ(changes[0].org_id, "org-a");
  EXPECT_EQ(changes[0].id, "a1");
  ASSERT_TRUE(changes[0].document && changes[1].document);
  EXPECT_EQ(*changes[0].document, R"({"v":1})");
  EXPECT_EQ(*changes[1].document, R"({"v":2})");
  EXPECT_EQ(changes[2].document, nullptr);
  store->stop();
}

TEST_P(ChangeFeedTest, SubscribersHearOfAWriteBeforeItsWriterDoes) {
  auto store = db_.open_with_org(1);
  auto subscription = listen(*store);
  std::promise<std::size_t> heard_before_done;
  store->post_write([](Session& s) { s.resources().insert(record("a1", "{}")); },
                    [&](std::exception_ptr) { heard_before_done.set_value(seen().size()); });
  EXPECT_EQ(heard_before_done.get_future().get(), 1u);
  store->stop();
}

TEST_P(ChangeFeedTest, AWriteThatFailsPublishesNothingAndItsNeighboursStillDo) {
  auto store = db_.open_with_org(1);
  auto subscription = listen(*store);
  std::promise<void> failed, kept;
  // Queued together, so they usually share one transaction: only the failing one is undone.
  store->post_write(
      [](Session& s) {
        s.resources().insert(record("gone", "{}"));
        throw std::runtime_error("rejected");
      },
      [&](std::exception_ptr error) {
        EXPECT_TRUE(error);
        failed.set_value();
      });
  store->post_write([](Session& s) { s.resources().insert(record("kept", "{}")); },
                    [&](std::exception_ptr error) {
                      EXPECT_FALSE(error);
                      kept.set_value();
                    });
  failed.get_future().get();
  kept.get_future().get();
  const auto changes = seen();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, "kept");
  store->stop();
}

TEST_P(ChangeFeedTest, AnUpdateOrDeleteOfNothingIsNoChange) {
  auto store = db_.open_with_org(1);
  auto subscription = listen(*store);
  store->write_sync([](Session& s) {
    s.resources().update(record("missing", "{}"));
    s.resources().remove("assistant", "org-a", "missing", {});
  });
  EXPECT_TRUE(seen().empty());
  store->stop();
}

TEST_P(ChangeFeedTest, NothingReachesAListenerAfterItsSubscriptionIsGone) {
  auto store = db_.open_with_org(1);
  {
    auto subscription = listen(*store);
    store->write_sync([](Session& s) { s.resources().insert(record("a1", "{}")); });
  }
  store->write_sync([](Session& s) { s.resources().insert(record("a2", "{}")); });
  ASSERT_EQ(seen().size(), 1u);
  EXPECT_EQ(seen()[0].id, "a1");
  store->stop();
}

TEST_P(ChangeFeedTest, ADeletedApiKeyIsPublishedAndAnUnknownOneIsNot) {
  auto store = db_.open_with_org(1);
  store->write_sync(
      [](Session& s) { s.orgs().insert_key("digest", "org-a", KeyKind::kPrivate, 1); });
  auto subscription = listen(*store);
  bool deleted = false, deleted_again = true;
  store->write_sync([&](Session& s) { deleted = s.orgs().delete_key("digest"); });
  store->write_sync([&](Session& s) { deleted_again = s.orgs().delete_key("digest"); });
  EXPECT_TRUE(deleted);
  EXPECT_FALSE(deleted_again);
  const auto changes = seen();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, kApiKeyKind);
  EXPECT_EQ(changes[0].org_id, "org-a");
  EXPECT_EQ(changes[0].id, "digest");
  store->read_sync([](Session& s) { EXPECT_FALSE(s.orgs().org_for_private_key("digest")); });
  store->stop();
}

}  // namespace
}  // namespace sb::storage
