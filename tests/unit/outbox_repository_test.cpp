#include "storage/outbox_repository.hpp"

#include <gtest/gtest.h>

#include "storage/org_repository.hpp"
#include "store_backend.hpp"

namespace sb::storage {
namespace {

class OutboxRepositoryTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    open();
  }
  void open() { store_ = db_.open(1); }

  std::int64_t insert(std::string id, std::string stream, std::int64_t next = 1000) {
    OutboxMessage m;
    m.id = std::move(id);
    m.org_id = "org-a";
    m.stream = std::move(stream);
    m.server = R"({"url":"http://localhost:1/x"})";
    m.body = R"({"message":{"type":"status-update"}})";
    m.next_attempt_at = next;
    m.created_at = next;
    std::int64_t seq = 0;
    store_->write_sync([&](Session& s) { seq = s.outbox().insert(m); });
    return seq;
  }

  std::vector<std::string> pending_ids(std::int64_t after = 0, std::size_t limit = 100) {
    std::vector<std::string> ids;
    store_->read_sync([&](Session& s) {
      for (const auto& m : s.outbox().pending_after(after, limit)) ids.push_back(m.id);
    });
    return ids;
  }

  void record(std::int64_t seq, int attempt, OutboxStatus outcome, int status,
              std::int64_t next = 0, std::string error = "") {
    OutboxAttempt a;
    a.seq = seq;
    a.attempt = attempt;
    a.at = 5000;
    a.status_code = status;
    a.latency_us = 1234;
    a.error = std::move(error);
    a.outcome = outcome;
    a.next_attempt_at = next;
    store_->write_sync([&](Session& s) { s.outbox().record_attempt(a); });
  }

  test::BackendDatabase db_{GetParam(), "sb-outbox"};
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, OutboxRepositoryTest, SB_ALL_STORE_BACKENDS);

TEST_P(OutboxRepositoryTest, PendingMessagesComeInEnqueueOrderAcrossStreams) {
  const auto a1 = insert("a1", "call-a");
  insert("b1", "call-b");
  const auto a2 = insert("a2", "call-a");
  EXPECT_LT(a1, a2);
  EXPECT_EQ(pending_ids(), (std::vector<std::string>{"a1", "b1", "a2"}));
  EXPECT_EQ(pending_ids(a1), (std::vector<std::string>{"b1", "a2"}));
  EXPECT_EQ(pending_ids(0, 2), (std::vector<std::string>{"a1", "b1"}));
}

TEST_P(OutboxRepositoryTest, DeliveredAndDeadMessagesLeaveThePendingSetButStay) {
  const auto a = insert("a", "s");
  const auto b = insert("b", "s");
  const auto c = insert("c", "s");
  record(a, 1, OutboxStatus::kDelivered, 200);
  record(b, 1, OutboxStatus::kDead, 400, 0, "status 400");
  EXPECT_EQ(pending_ids(), (std::vector<std::string>{"c"}));
  store_->read_sync([&](Session& s) {
    EXPECT_EQ(s.outbox().pending_count(), 1);
    auto dead = s.outbox().find(b);
    ASSERT_TRUE(dead);
    EXPECT_EQ(dead->status, OutboxStatus::kDead);
    EXPECT_EQ(dead->attempts, 1);
    EXPECT_EQ(dead->last_error, "status 400");
    auto delivered = s.outbox().find_by_id("a");
    ASSERT_TRUE(delivered);
    EXPECT_EQ(delivered->status, OutboxStatus::kDelivered);
    EXPECT_EQ(s.outbox().find(c)->status, OutboxStatus::kPending);
  });
}

TEST_P(OutboxRepositoryTest, EveryAttemptIsRecorded) {
  const auto a = insert("a", "s");
  record(a, 1, OutboxStatus::kPending, 0, 9000, "timeout");
  record(a, 2, OutboxStatus::kPending, 503, 12000, "status 503");
  record(a, 3, OutboxStatus::kDelivered, 204);
  store_->read_sync([&](Session& s) {
    const auto attempts = s.outbox().attempts_of(a);
    ASSERT_EQ(attempts.size(), 3u);
    EXPECT_EQ(attempts[0].status_code, 0);
    EXPECT_EQ(attempts[0].error, "timeout");
    EXPECT_EQ(attempts[1].status_code, 503);
    EXPECT_EQ(attempts[2].status_code, 204);
    EXPECT_EQ(attempts[2].error, "");
    EXPECT_EQ(attempts[2].latency_us, 1234);
    EXPECT_EQ(s.outbox().find(a)->attempts, 3);
  });
}

TEST_P(OutboxRepositoryTest, ARestartFindsPendingMessagesWithTheirNextAttemptTime) {
  const auto a = insert("a", "s");
  insert("b", "t");
  record(a, 1, OutboxStatus::kPending, 500, 777000, "status 500");
  store_.reset();  // as after a crash: the file is all there is
  open();
  store_->read_sync([&](Session& s) {
    const auto pending = s.outbox().pending_after(0, 10);
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].id, "a");
    EXPECT_EQ(pending[0].attempts, 1);
    EXPECT_EQ(pending[0].next_attempt_at, 777000);
    EXPECT_EQ(pending[0].server, R"({"url":"http://localhost:1/x"})");
    EXPECT_EQ(pending[0].body, R"({"message":{"type":"status-update"}})");
    EXPECT_EQ(pending[1].id, "b");
    EXPECT_EQ(pending[1].attempts, 0);
  });
}

TEST_P(OutboxRepositoryTest, AMessageOfARolledBackJobDoesNotExist) {
  EXPECT_THROW(store_->write_sync([&](Session& s) {
    OutboxMessage m;
    m.id = "gone";
    m.server = "{}";
    m.body = "{}";
    s.outbox().insert(m);
    throw std::runtime_error("the change failed");
  }),
               std::runtime_error);
  EXPECT_TRUE(pending_ids().empty());
}

// Records `seq`'s attempt 1 ending at `at` as `outcome`.
void finish(Store& store, std::int64_t seq, OutboxStatus outcome, std::int64_t at) {
  OutboxAttempt a;
  a.seq = seq;
  a.attempt = 1;
  a.at = at;
  a.status_code = outcome == OutboxStatus::kDelivered ? 200 : 500;
  a.outcome = outcome;
  a.next_attempt_at = outcome == OutboxStatus::kPending ? at + 1000 : 0;
  store.write_sync([&](Session& s) { s.outbox().record_attempt(a); });
}

TEST_P(OutboxRepositoryTest, PruningDeletesOnlyDeliveredMessagesFinishedBeforeTheCutoff) {
  const auto old_delivered = insert("old-delivered", "s", 100);
  const auto recent_delivered = insert("recent-delivered", "t", 100);
  const auto old_dead = insert("old-dead", "u", 100);
  const auto old_retrying = insert("old-retrying", "v", 100);
  const auto never_tried = insert("never-tried", "w", 100);
  finish(*store_, old_delivered, OutboxStatus::kDelivered, 1000);
  finish(*store_, recent_delivered, OutboxStatus::kDelivered, 9000);
  finish(*store_, old_dead, OutboxStatus::kDead, 1000);
  finish(*store_, old_retrying, OutboxStatus::kPending, 1000);

  std::size_t pruned = 0;
  store_->write_sync([&](Session& s) { pruned = s.outbox().prune_delivered(5000, 100); });
  EXPECT_EQ(pruned, 1u);
  store_->read_sync([&](Session& s) {
    EXPECT_FALSE(s.outbox().find(old_delivered));
    EXPECT_TRUE(s.outbox().attempts_of(old_delivered).empty());
    EXPECT_TRUE(s.outbox().find(recent_delivered));
    EXPECT_EQ(s.outbox().attempts_of(recent_delivered).size(), 1u);
    ASSERT_TRUE(s.outbox().find(old_dead));
    EXPECT_EQ(s.outbox().attempts_of(old_dead).size(), 1u);
    EXPECT_EQ(s.outbox().find(old_retrying)->status, OutboxStatus::kPending);
    EXPECT_EQ(s.outbox().attempts_of(old_retrying).size(), 1u);
    EXPECT_TRUE(s.outbox().find(never_tried));
  });
  // Whatever the age, dead and pending messages stay.
  store_->write_sync([&](Session& s) { pruned = s.outbox().prune_delivered(1'000'000, 100); });
  EXPECT_EQ(pruned, 1u);  // recent-delivered, now old enough
  EXPECT_EQ(pending_ids(), (std::vector<std::string>{"old-retrying", "never-tried"}));
  store_->read_sync([&](Session& s) {
    EXPECT_FALSE(s.outbox().find(recent_delivered));
    EXPECT_EQ(s.outbox().find(old_dead)->status, OutboxStatus::kDead);
  });
}

TEST_P(OutboxRepositoryTest, PruningTakesAtMostOneBatchOldestDeliveryFirst) {
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 5; ++i) seqs.push_back(insert("m" + std::to_string(i), "s", 100));
  // Delivered in reverse enqueue order: the oldest delivery is the last message.
  for (int i = 0; i < 5; ++i)
    finish(*store_, seqs[static_cast<std::size_t>(i)], OutboxStatus::kDelivered, 2000 - i * 100);
  std::size_t pruned = 0;
  store_->write_sync([&](Session& s) { pruned = s.outbox().prune_delivered(5000, 2); });
  EXPECT_EQ(pruned, 2u);
  store_->read_sync([&](Session& s) {
    EXPECT_FALSE(s.outbox().find(seqs[4]));
    EXPECT_FALSE(s.outbox().find(seqs[3]));
    EXPECT_TRUE(s.outbox().find(seqs[2]));
    EXPECT_TRUE(s.outbox().find(seqs[0]));
  });
  store_->write_sync([&](Session& s) { pruned = s.outbox().prune_delivered(5000, 2); });
  EXPECT_EQ(pruned, 2u);
  store_->write_sync([&](Session& s) { pruned = s.outbox().prune_delivered(5000, 2); });
  EXPECT_EQ(pruned, 1u);
  store_->write_sync([&](Session& s) { pruned = s.outbox().prune_delivered(5000, 2); });
  EXPECT_EQ(pruned, 0u);
}

TEST_P(OutboxRepositoryTest, OrgSettingsAreStoredBesideTheOrg) {
  store_->write_sync([](Session& s) { s.orgs().insert_org("org-x", "first", 100); });
  store_->write_sync([](Session& s) {
    auto org = s.orgs().find_org("org-x");
    ASSERT_TRUE(org);
    EXPECT_EQ(org->updated_at, 100);  // created_at until the first update
    EXPECT_EQ(org->settings, "{}");
    org->name = "second";
    org->settings = R"({"server":{"url":"http://h"}})";
    org->updated_at = 200;
    s.orgs().update_org(*org);
  });
  store_->read_sync([](Session& s) {
    auto org = s.orgs().find_org("org-x");
    ASSERT_TRUE(org);
    EXPECT_EQ(org->name, "second");
    EXPECT_EQ(org->created_at, 100);
    EXPECT_EQ(org->updated_at, 200);
    EXPECT_EQ(org->settings, R"({"server":{"url":"http://h"}})");
    EXPECT_FALSE(s.orgs().find_org("nope"));
  });
}

}  // namespace
}  // namespace sb::storage
