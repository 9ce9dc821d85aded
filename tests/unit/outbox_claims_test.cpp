// The outbox's claims (outbox_repository.hpp): leases, stream heads, take-over; on every
// backend, then two instances (two stores on one PostgreSQL database) claiming at once.

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "storage/outbox_repository.hpp"
#include "store_backend.hpp"

namespace sb::storage {
namespace {

constexpr std::int64_t kNow = 10'000;
constexpr std::int64_t kLease = 30'000;

OutboxMessage message(std::string id, std::string stream, std::int64_t due = kNow) {
  OutboxMessage m;
  m.id = std::move(id);
  m.org_id = "org-a";
  m.stream = std::move(stream);
  m.server = R"({"url":"http://localhost:1/x"})";
  m.body = R"({"message":{"type":"status-update"}})";
  m.next_attempt_at = due;
  m.created_at = due;
  return m;
}

std::vector<std::string> ids_of(const std::vector<OutboxMessage>& messages) {
  std::vector<std::string> ids;
  for (const auto& m : messages) ids.push_back(m.id);
  return ids;
}

// The attempt `owner` records for `seq`: delivered, or a retry due at `retry_at`.
OutboxAttempt attempt_of(std::int64_t seq, std::string owner, std::int64_t retry_at = 0) {
  OutboxAttempt a;
  a.seq = seq;
  a.attempt = 1;
  a.at = kNow;
  a.status_code = retry_at ? 503 : 200;
  a.outcome = retry_at ? OutboxStatus::kPending : OutboxStatus::kDelivered;
  a.next_attempt_at = retry_at;
  a.error = retry_at ? "status 503" : "";
  a.owner = std::move(owner);
  return a;
}

class OutboxClaimsTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    store_ = db_.open(1);
  }
  std::int64_t insert(OutboxMessage m) {
    std::int64_t seq = 0;
    store_->write_sync([&](Session& s) { seq = s.outbox().insert(m); });
    return seq;
  }
  std::vector<OutboxMessage> claim(const std::string& owner, std::int64_t now = kNow,
                                   std::size_t limit = 100) {
    std::vector<OutboxMessage> got;
    store_->write_sync(
        [&](Session& s) { got = s.outbox().claim(owner, now, now + kLease, limit); });
    return got;
  }
  bool record(const OutboxAttempt& a) {
    bool kept = false;
    store_->write_sync([&](Session& s) { kept = s.outbox().record_attempt(a); });
    return kept;
  }
  OutboxMessage stored(std::int64_t seq) {
    std::optional<OutboxMessage> m;
    store_->read_sync([&](Session& s) { m = s.outbox().find(seq); });
    return *m;
  }

  test::BackendDatabase db_{GetParam(), "sb-claims"};
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, OutboxClaimsTest, SB_ALL_STORE_BACKENDS);

TEST_P(OutboxClaimsTest, OnlyDueHeadsOfTheirStreamsAreClaimedInEnqueueOrder) {
  insert(message("a1", "call-a"));
  insert(message("a2", "call-a"));
  insert(message("b1", "call-b"));
  insert(message("later", "call-c", kNow + 1));
  insert(message("x", ""));  // no stream: ordered with nothing
  insert(message("y", ""));
  const auto got = claim("one", kNow, 3);
  EXPECT_EQ(ids_of(got), (std::vector<std::string>{"a1", "b1", "x"}));
  EXPECT_EQ(got[0].lease_owner, "one");
  EXPECT_EQ(got[0].lease_until, kNow + kLease);
  EXPECT_EQ(ids_of(claim("one")), (std::vector<std::string>{"y"}));  // a2 waits for a1
}

TEST_P(OutboxClaimsTest, ALeasedMessageIsTakenOverOnlyOnceItsLeaseLapses) {
  const auto a = insert(message("a", "s"));
  ASSERT_EQ(claim("one").size(), 1u);
  EXPECT_TRUE(claim("two", kNow + kLease - 1).empty());
  const auto taken = claim("two", kNow + kLease);
  ASSERT_EQ(ids_of(taken), (std::vector<std::string>{"a"}));
  EXPECT_EQ(taken[0].lease_owner, "two");
  // The first owner's late attempt leaves no trace; the new owner's is recorded.
  EXPECT_FALSE(record(attempt_of(a, "one")));
  EXPECT_EQ(stored(a).status, OutboxStatus::kPending);
  EXPECT_TRUE(record(attempt_of(a, "two")));
  EXPECT_EQ(stored(a).status, OutboxStatus::kDelivered);
  EXPECT_EQ(stored(a).lease_owner, "");
  store_->read_sync([&](Session& s) { EXPECT_EQ(s.outbox().attempts_of(a).size(), 1u); });
}

TEST_P(OutboxClaimsTest, AStreamsNextMessageIsClaimableOnceItsHeadIsDone) {
  const auto a1 = insert(message("a1", "s"));
  insert(message("a2", "s"));
  ASSERT_EQ(ids_of(claim("one")), (std::vector<std::string>{"a1"}));
  EXPECT_TRUE(claim("two", kNow + kLease).size() == 1);  // a1 again, lapsed: not a2
  EXPECT_TRUE(record(attempt_of(a1, "two")));
  EXPECT_EQ(ids_of(claim("one", kNow + kLease)), (std::vector<std::string>{"a2"}));
}

TEST_P(OutboxClaimsTest, ARetryWaitsUnleasedForItsTime) {
  const auto a = insert(message("a", "s"));
  ASSERT_EQ(claim("one").size(), 1u);
  EXPECT_TRUE(record(attempt_of(a, "one", kNow + 5000)));
  EXPECT_EQ(stored(a).lease_owner, "");
  EXPECT_TRUE(claim("two", kNow + 4999).empty());
  store_->read_sync([&](Session& s) { EXPECT_EQ(s.outbox().next_due_after(kNow), kNow + 5000); });
  EXPECT_EQ(ids_of(claim("two", kNow + 5000)), (std::vector<std::string>{"a"}));
  EXPECT_EQ(stored(a).attempts, 1);
}

TEST_P(OutboxClaimsTest, RenewingKeepsALeaseAndReleasingEndsIt) {
  insert(message("a", "s"));
  insert(message("b", "t"));
  ASSERT_EQ(claim("one").size(), 2u);
  store_->write_sync([&](Session& s) {
    EXPECT_EQ(s.outbox().renew("one", kNow + 2 * kLease), 2u);
    EXPECT_EQ(s.outbox().renew("two", kNow + 2 * kLease), 0u);
  });
  EXPECT_TRUE(claim("two", kNow + kLease).empty());
  store_->write_sync([&](Session& s) { EXPECT_EQ(s.outbox().release("one"), 2u); });
  EXPECT_EQ(claim("two").size(), 2u);
  store_->write_sync([&](Session& s) { EXPECT_EQ(s.outbox().release(""), 2u); });  // any owner
  EXPECT_EQ(claim("three").size(), 2u);
}

// Two instances: two stores on one PostgreSQL database (SQLite serves one instance).
class OutboxInstancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    one_ = db_.open(1);
    two_ = db_.open(1);
  }
  test::BackendDatabase db_{test::StoreBackend::kPostgres, "sb-instances"};
  std::unique_ptr<Store> one_;
  std::unique_ptr<Store> two_;
};

TEST_F(OutboxInstancesTest, ConcurrentClaimsNeverShareAMessageAndKeepEachStreamsOrder) {
  constexpr int kStreams = 12;
  constexpr int kPerStream = 8;
  one_->write_sync([&](Session& s) {
    for (int i = 0; i < kPerStream; ++i)
      for (int k = 0; k < kStreams; ++k)
        s.outbox().insert(
            message(std::to_string(k) + "-" + std::to_string(i), "call-" + std::to_string(k)));
  });
  std::mutex mutex;
  std::vector<std::pair<std::string, std::int64_t>> sent;  // (stream, seq) in sending order
  std::map<std::string, int> sent_by;
  auto deliver = [&](Store& store, const std::string& owner) {
    for (int idle = 0; idle < 200;) {
      std::vector<OutboxMessage> got;
      store.write_sync([&](Session& s) { got = s.outbox().claim(owner, kNow, kNow + kLease, 3); });
      if (got.empty()) {
        ++idle;
        std::this_thread::yield();
        continue;
      }
      for (const auto& m : got) {
        {
          std::lock_guard lock(mutex);
          sent.emplace_back(m.stream, m.seq);
          ++sent_by[owner];
        }
        bool kept = false;
        store.write_sync(
            [&](Session& s) { kept = s.outbox().record_attempt(attempt_of(m.seq, owner)); });
        EXPECT_TRUE(kept);
      }
    }
  };
  std::thread a([&] { deliver(*one_, "one"); });
  std::thread b([&] { deliver(*two_, "two"); });
  a.join();
  b.join();
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(kStreams * kPerStream));
  std::set<std::int64_t> seqs;
  std::map<std::string, std::int64_t> last;
  for (const auto& [stream, seq] : sent) {
    EXPECT_TRUE(seqs.insert(seq).second) << "sent twice: " << seq;
    EXPECT_LT(last[stream], seq) << stream << " out of order";
    last[stream] = seq;
  }
  EXPECT_GT(sent_by["one"], 0);
  EXPECT_GT(sent_by["two"], 0);
  one_->read_sync([&](Session& s) { EXPECT_EQ(s.outbox().pending_count(), 0); });
}

TEST_F(OutboxInstancesTest, OneInstancePrunesAtATimeAndEachMessageGoesOnce) {
  constexpr int kMessages = 300;
  one_->write_sync([&](Session& s) {
    for (int i = 0; i < kMessages; ++i) {
      const auto seq = s.outbox().insert(message("m" + std::to_string(i), ""));
      s.outbox().record_attempt(attempt_of(seq, ""));
    }
  });
  std::atomic<std::size_t> pruned{0};
  auto prune = [&](Store& store) {
    for (int round = 0; round < 40; ++round)
      store.write_sync([&](Session& s) { pruned += s.outbox().prune_delivered(kNow + 1, 25); });
  };
  std::thread a([&] { prune(*one_); });
  std::thread b([&] { prune(*two_); });
  a.join();
  b.join();
  EXPECT_EQ(pruned.load(), static_cast<std::size_t>(kMessages));
  one_->read_sync([&](Session& s) { EXPECT_FALSE(s.outbox().find_by_id("m0")); });
}

}  // namespace
}  // namespace sb::storage
