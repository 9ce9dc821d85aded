// The resource and org repositories' contract, run against every backend (store_backend.hpp).
#include "storage/resource_repository.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <vector>

#include "core/api_error.hpp"
#include "storage/org_repository.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "store_backend.hpp"
#include "temp_database.hpp"

namespace sb::storage {
namespace {

ResourceRecord record(std::string id, std::string org, std::int64_t created,
                      std::string extra = "") {
  ResourceRecord r;
  r.kind = "thing";
  r.id = std::move(id);
  r.org_id = std::move(org);
  r.created_at = r.updated_at = created;
  r.document = "{\"id\":\"" + r.id + "\"" + extra + "}";
  return r;
}

class StoreTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    open();
    store_->write_sync([](Session& s) {
      s.orgs().insert_org("org-a", "a", 1);
      s.orgs().insert_org("org-b", "b", 1);
    });
  }
  void open() { store_ = db_.open(2); }

  static ResourceQuery query(const TimeFilter& f, std::int64_t limit = 100) {
    ResourceQuery q;
    q.time = f;
    q.limit = limit;
    return q;
  }

  std::vector<std::string> list(const TimeFilter& f, std::int64_t limit = 100) {
    std::vector<std::string> out;
    store_->read_sync(
        [&](Session& s) { out = s.resources().list("thing", "org-a", query(f, limit)).documents; });
    return out;
  }

  test::BackendDatabase db_{GetParam(), "sb-store"};
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, SB_ALL_STORE_BACKENDS);

TEST_P(StoreTest, AFailedWriteInAGroupCommitLeavesTheOthersCommitted) {
  constexpr int kWriters = 64;
  std::vector<std::promise<std::exception_ptr>> results(kWriters);  // answered twice: a throw
  std::atomic<int> after_commits = 0;
  for (int i = 0; i < kWriters; ++i) {
    store_->post_write(
        [i, &after_commits](Session& s) {
          s.resources().insert(record("id-" + std::to_string(i), "org-a", i));
          s.after_commit([&after_commits] { ++after_commits; });
          if (i % 8 == 0) throw ApiError::bad_request("rejected");
        },
        [&results, i](std::exception_ptr e) { results[i].set_value(e); });
  }
  int failed = 0;
  for (auto& r : results) failed += r.get_future().get() != nullptr;
  EXPECT_EQ(failed, kWriters / 8);
  EXPECT_EQ(list({}, 1000).size(), static_cast<std::size_t>(kWriters - kWriters / 8));
  // Only committed jobs' after-commit work ran, once each (PostgreSQL ran some jobs twice).
  EXPECT_EQ(after_commits.load(), kWriters - kWriters / 8);
}

TEST_P(StoreTest, WritesSurviveReopening) {
  store_->write_sync([](Session& s) { s.resources().insert(record("kept", "org-a", 5)); });
  store_.reset();
  open();
  EXPECT_EQ(list({}), std::vector<std::string>{R"({"id":"kept"})"});
}

TEST_P(StoreTest, TimeFiltersAreStrictOrInclusiveAndScopedToTheOrg) {
  store_->write_sync([](Session& s) {
    for (int t = 1; t <= 5; ++t)
      s.resources().insert(record("a" + std::to_string(t), "org-a", t * 10));
    s.resources().insert(record("b1", "org-b", 30));
  });
  TimeFilter gt;
  gt.created_gt = 30;
  EXPECT_EQ(list(gt), (std::vector<std::string>{R"({"id":"a5"})", R"({"id":"a4"})"}));
  TimeFilter ge;
  ge.created_ge = 30;
  ge.created_le = 40;
  EXPECT_EQ(list(ge), (std::vector<std::string>{R"({"id":"a4"})", R"({"id":"a3"})"}));
  TimeFilter lt;
  lt.created_lt = 20;
  EXPECT_EQ(list(lt), std::vector<std::string>{R"({"id":"a1"})"});
  EXPECT_EQ(list({}, 2).size(), 2u);
  EXPECT_TRUE(list({}, 0).empty());
}

TEST_P(StoreTest, PagesCountAndSearchAnywhereInTheSearchText) {
  store_->write_sync([](Session& s) {
    for (int t = 1; t <= 5; ++t) {
      auto r = record("a" + std::to_string(t), "org-a", t);
      r.search_text = (t == 3 ? "support 100%\n+1415555010" : "\n+1415555010") + std::to_string(t);
      s.resources().insert(r);
    }
  });
  ResourceQuery q;
  q.limit = 2;
  q.page = 2;
  DocumentPage page;
  auto run = [&] {
    store_->read_sync([&](Session& s) { page = s.resources().list("thing", "org-a", q); });
  };
  run();
  EXPECT_EQ(page.total, 5);
  EXPECT_EQ(page.documents, (std::vector<std::string>{R"({"id":"a3"})", R"({"id":"a2"})"}));

  q = {};
  q.page = 1;
  q.fields = {{"", FieldFilter::Op::kContains, FieldFilter::Type::kText, {"port 100%"}}};
  run();
  EXPECT_EQ(page.documents, std::vector<std::string>{R"({"id":"a3"})"});
  q.fields[0].values = {"0%"};  // '%' is literal, not a wildcard
  run();
  EXPECT_EQ(page.total, 1);
  q.fields[0].values = {"5550104"};
  run();
  EXPECT_EQ(page.documents, std::vector<std::string>{R"({"id":"a4"})"});
}

TEST_P(StoreTest, FiltersOnDocumentFieldsByType) {
  store_->write_sync([](Session& s) {
    s.resources().insert(record("x1", "org-a", 1, R"(,"status":"ended","enabled":true,"n":3)"));
    s.resources().insert(
        record("x2", "org-a", 2, R"(,"status":"scheduled","enabled":false,"n":4)"));
    s.resources().insert(
        record("x3", "org-a", 3, R"(,"status":"ended","customer":{"number":"+1"})"));
  });
  auto ids = [&](std::vector<FieldFilter> fields) {
    ResourceQuery q;
    q.fields = std::move(fields);
    std::vector<std::string> out;
    store_->read_sync([&](Session& s) { out = s.resources().list("thing", "org-a", q).documents; });
    std::vector<std::string> found;
    for (const auto& d : out) found.push_back(d.substr(7, 2));
    return found;
  };
  using T = FieldFilter::Type;
  using Op = FieldFilter::Op;
  EXPECT_EQ(ids({{"status", Op::kEquals, T::kText, {"ended"}}}),
            (std::vector<std::string>{"x3", "x1"}));
  EXPECT_EQ(ids({{"enabled", Op::kEquals, T::kBoolean, {"false"}}}),
            std::vector<std::string>{"x2"});
  EXPECT_EQ(ids({{"n", Op::kEquals, T::kNumber, {"4"}}}), std::vector<std::string>{"x2"});
  EXPECT_EQ(ids({{"id", Op::kEquals, T::kText, {"x1", "x2"}}}),
            (std::vector<std::string>{"x2", "x1"}));
  EXPECT_EQ(ids({{"customer.number", Op::kEquals, T::kText, {"+1"}}}),
            std::vector<std::string>{"x3"});
  EXPECT_TRUE(ids({{"status", Op::kEquals, T::kText, {}}}).empty());
}

TEST_P(StoreTest, UniqueKeysPerOrgOrServerWide) {
  std::map<std::string, std::vector<UniqueKey>> held;  // by id, as the service tracks them
  auto claim = [&](std::string org, std::string id, std::vector<UniqueKey> keys) {
    std::optional<UniqueKey> taken;
    store_->write_sync(
        [&](Session& s) { taken = s.resources().claim_keys("thing", org, id, held[id], keys); });
    if (!taken) held[id] = keys;
    return taken;
  };
  EXPECT_FALSE(claim("org-a", "x", {{"number", "+1415", false}, {"sip", "alice", true}}));
  EXPECT_TRUE(claim("org-a", "y", {{"number", "+1415", false}}));         // same org
  EXPECT_FALSE(claim("org-b", "y", {{"number", "+1415", false}}));        // other org: fine
  EXPECT_EQ(claim("org-b", "z", {{"sip", "alice", true}})->name, "sip");  // server-wide
  EXPECT_FALSE(claim("org-a", "x", {{"number", "+1416", false}}));        // x moves to a new number
  EXPECT_FALSE(claim("org-a", "w", {{"number", "+1415", false}}));        // so its old one is free
  store_->write_sync([&](Session& s) {
    s.resources().insert(record("w", "org-a", 1));
    s.resources().remove("thing", "org-a", "w", held["w"]);  // removing drops the keys
  });
  EXPECT_FALSE(claim("org-a", "v", {{"number", "+1415", false}}));
}

// A claim of several keys that loses one keeps none of them; a lost single key changes nothing,
// and the job that claimed it still commits its other writes.
TEST_P(StoreTest, ALostClaimKeepsNoneOfItsKeysAndTheJobItsOtherWrites) {
  auto claim = [&](std::string id, std::vector<UniqueKey> keys) {
    std::optional<UniqueKey> taken;
    store_->write_sync([&](Session& s) {
      s.resources().insert(record(id, "org-a", 1));
      taken = s.resources().claim_keys("thing", "org-a", id, {}, keys);
    });
    return taken;
  };
  EXPECT_FALSE(claim("x", {{"number", "+1415", false}}));
  EXPECT_EQ(claim("y", {{"number", "+1416", false}, {"number", "+1415", false}})->value, "+1415");
  EXPECT_EQ(claim("z", {{"number", "+1415", false}})->value, "+1415");
  EXPECT_FALSE(claim("w", {{"number", "+1416", false}}));  // y's claim of it was undone
  EXPECT_EQ(list({}).size(), 4u);                          // every job's insert committed
}

// Two stores on one database stand for two instances of the server. Each job reads the
// counter (kept in updated_at) and writes it back one higher; with both writers' jobs
// interleaved, no increment is lost.
TEST_P(StoreTest, ReadModifyWritesFromTwoStoresLoseNoUpdate) {
  store_->write_sync([](Session& s) { s.resources().insert(record("counter", "org-a", 1)); });
  auto other = db_.open(1);
  constexpr int kEach = 25;
  std::vector<std::future<void>> done;
  for (int i = 0; i < kEach; ++i) {
    for (Store* store : {store_.get(), other.get()}) {
      auto finished = std::make_shared<std::promise<void>>();
      done.push_back(finished->get_future());
      store->post_write(
          [](Session& s) {
            auto r = s.resources().find("thing", "org-a", "counter");
            ++r->updated_at;
            s.resources().update(*r);
          },
          [finished](std::exception_ptr e) {
            if (e)
              finished->set_exception(e);
            else
              finished->set_value();
          });
    }
  }
  for (auto& f : done) f.get();
  other.reset();
  std::int64_t count = 0;
  store_->read_sync(
      [&](Session& s) { count = s.resources().find("thing", "org-a", "counter")->updated_at; });
  EXPECT_EQ(count, 1 + 2 * kEach);
}

// Both instances claim one number at once for different resources: exactly one wins.
TEST_P(StoreTest, AKeyClaimedFromTwoStoresAtOnceGoesToOne) {
  auto other = db_.open(1);
  for (int round = 0; round < 10; ++round) {
    const UniqueKey key{"number", "+1" + std::to_string(round), false};
    std::promise<bool> first, second;
    auto claim = [&key](Store& store, std::string id, std::promise<bool>& won) {
      auto shared = std::make_shared<bool>(false);
      store.post_write(
          [shared, key, id](Session& s) {
            *shared = !s.resources().claim_keys("thing", "org-a", id, {}, {key});
          },
          [shared, &won](std::exception_ptr e) { won.set_value(!e && *shared); });
    };
    claim(*store_, "x" + std::to_string(round), first);
    claim(*other, "y" + std::to_string(round), second);
    EXPECT_EQ(first.get_future().get() + second.get_future().get(), 1) << "round " << round;
  }
}

// The connection is lost in the middle of a batch: the transaction is gone with it, so every
// job of the batch is answered with the error (none is reported written), the writer goes on,
// and the next write commits on a new connection.
TEST_P(StoreTest, AConnectionLostInTheMiddleOfABatchFailsItsJobsAndTheWriterGoesOn) {
  if (GetParam() != test::StoreBackend::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  std::promise<void> queued;
  auto held = queued.get_future().share();
  store_->post_write([held](Session&) { held.wait(); }, [](std::exception_ptr) {});
  // Both queued behind the held job: one batch.
  std::promise<std::exception_ptr> first, lost;
  store_->post_write(
      [](Session& s) { s.resources().insert(record("written-before-the-loss", "org-a", 1)); },
      [&first](std::exception_ptr e) { first.set_value(e); });
  store_->post_write(
      [this](Session& s) {
        db_.drop_connections();
        s.resources().insert(record("lost", "org-a", 2));
        s.resources().find("thing", "org-a", "lost");  // the statement that finds it closed
      },
      [&lost](std::exception_ptr e) { lost.set_value(e); });
  queued.set_value();
  EXPECT_NE(first.get_future().get(), nullptr) << "its transaction was lost: not written";
  EXPECT_NE(lost.get_future().get(), nullptr);
  store_->write_sync([](Session& s) { s.resources().insert(record("after", "org-a", 3)); });
  // The readers' connections went too: each may fail one job.
  std::vector<std::string> seen;
  for (int attempt = 0; attempt < 3 && seen.empty(); ++attempt) {
    try {
      seen = list({});
    } catch (const std::exception&) {
    }
  }
  EXPECT_EQ(seen, std::vector<std::string>{R"({"id":"after"})"});
}

// The server ends the store's connections (a restart, a failover): the job that finds its
// connection closed fails, and the store connects again for the next ones.
TEST_P(StoreTest, AStoreConnectsAgainAfterTheServerClosedItsConnections) {
  if (GetParam() != test::StoreBackend::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  store_->write_sync([](Session& s) { s.resources().insert(record("before", "org-a", 1)); });
  db_.drop_connections();
  auto eventually_writes = [&](const std::string& id) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        store_->write_sync([&](Session& s) { s.resources().insert(record(id, "org-a", 2)); });
        return true;
      } catch (const std::exception&) {
      }
    }
    return false;
  };
  EXPECT_TRUE(eventually_writes("after"));
  // Each of the two readers may fail one job; the third read at the latest succeeds.
  std::vector<std::string> seen;
  for (int attempt = 0; attempt < 3 && seen.size() < 2; ++attempt) {
    try {
      seen = list({});
    } catch (const std::exception&) {
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{R"({"id":"after"})", R"({"id":"before"})"}));
}

// Two instances lock two documents in opposite orders: PostgreSQL breaks the deadlock by
// undoing one job, which the store runs again, so both writes succeed.
TEST_P(StoreTest, AJobUndoneToBreakADeadlockRunsAgain) {
  if (GetParam() != test::StoreBackend::kPostgres)
    GTEST_SKIP() << "PostgreSQL only: SQLite has one writer at a time";
  store_->write_sync([](Session& s) {
    s.resources().insert(record("r1", "org-a", 1));
    s.resources().insert(record("r2", "org-a", 1));
  });
  auto other = db_.open(1);
  // Each job signals once that it holds its first row, then waits for the other's signal.
  struct Signal {
    std::atomic<bool> sent{false};
    std::promise<void> promise;
    std::shared_future<void> future = promise.get_future().share();
    void send() {
      if (!sent.exchange(true)) promise.set_value();
    }
  };
  Signal first_locked, second_locked;
  auto job = [](const char* a, const char* b, Signal& mine, Signal& theirs) {
    return [a, b, &mine, &theirs](Session& s) {
      auto first = s.resources().find("thing", "org-a", a);
      mine.send();
      theirs.future.wait_for(std::chrono::seconds(5));
      auto second = s.resources().find("thing", "org-a", b);
      ++first->updated_at;
      ++second->updated_at;
      s.resources().update(*first);
      s.resources().update(*second);
    };
  };
  std::promise<std::exception_ptr> one, two;
  store_->post_write(job("r1", "r2", first_locked, second_locked),
                     [&](std::exception_ptr e) { one.set_value(e); });
  other->post_write(job("r2", "r1", second_locked, first_locked),
                    [&](std::exception_ptr e) { two.set_value(e); });
  EXPECT_EQ(one.get_future().get(), nullptr);
  EXPECT_EQ(two.get_future().get(), nullptr);
  std::int64_t r1 = 0;
  store_->read_sync(
      [&](Session& s) { r1 = s.resources().find("thing", "org-a", "r1")->updated_at; });
  EXPECT_EQ(r1, 3);
}

}  // namespace
}  // namespace sb::storage

namespace sb::storage {
namespace {

TEST_P(StoreTest, FindsAKeysHoldersInEveryOrgOldestFirst) {
  std::vector<std::string> found;
  store_->write_sync([](Session& s) {
    auto& repo = s.resources();
    for (const auto& [id, org] : {std::pair{"b1", "org-b"}, std::pair{"a1", "org-a"}}) {
      repo.insert(record(id, org, 1));
      EXPECT_FALSE(repo.claim_keys("thing", org, id, {}, {{"number", "+1415", false}}));
    }
    repo.insert(record("a2", "org-a", 2));
    EXPECT_FALSE(repo.claim_keys("thing", "org-a", "a2", {}, {{"number", "+1416", false}}));
  });
  store_->read_sync([&](Session& s) {
    for (const auto& r : s.resources().find_by_key_in_any_org("thing", "number", "+1415"))
      found.push_back(r.org_id + "/" + r.id);
    EXPECT_TRUE(s.resources().find_by_key_in_any_org("other", "number", "+1415").empty());
    EXPECT_TRUE(s.resources().find_by_key_in_any_org("thing", "name", "+1415").empty());
  });
  EXPECT_EQ(found, (std::vector<std::string>{"org-b/b1", "org-a/a1"}));
}

TEST_P(StoreTest, FindsTheHolderOfAServerWideKey) {
  store_->write_sync([](Session& s) {
    auto& repo = s.resources();
    repo.insert(record("s1", "org-b", 1));
    EXPECT_FALSE(repo.claim_keys("thing", "org-b", "s1", {}, {{"sipUser", "alice", true}}));
  });
  store_->read_sync([&](Session& s) {
    const auto found = s.resources().find_by_key_in_any_org("thing", "sipUser", "alice");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found.front().org_id, "org-b");
    EXPECT_TRUE(s.resources().find_by_key_in_any_org("thing", "sipUser", "bob").empty());
  });
}

TEST_P(StoreTest, FindsMatchingDocumentsOfAKindInEveryOrgOldestFirst) {
  store_->write_sync([](Session& s) {
    auto& repo = s.resources();
    repo.insert(record("b1", "org-b", 1, R"(,"status":"scheduled")"));
    repo.insert(record("a1", "org-a", 2, R"(,"status":"ended")"));
    repo.insert(record("a2", "org-a", 3, R"(,"status":"scheduled")"));
    auto other = record("o1", "org-a", 4, R"(,"status":"scheduled")");
    other.kind = "other";
    repo.insert(other);
  });
  std::vector<std::string> found;
  store_->read_sync([&](Session& s) {
    const std::vector<FieldFilter> scheduled{
        {"status", FieldFilter::Op::kEquals, FieldFilter::Type::kText, {"scheduled"}}};
    for (const auto& r : s.resources().find_in_any_org("thing", scheduled))
      found.push_back(r.org_id + "/" + r.id + " " + r.document);
  });
  EXPECT_EQ(found, (std::vector<std::string>{R"(org-b/b1 {"id":"b1","status":"scheduled"})",
                                             R"(org-a/a2 {"id":"a2","status":"scheduled"})"}));
}

}  // namespace
}  // namespace sb::storage

namespace sb::storage {
namespace {

// Documents written before numbers were spelled as JavaScript spells them are rewritten once,
// by the migration that brings the schema to version 5; nothing else about them changes.
TEST(SqliteStoreTest, OpeningAnOlderDatabaseRewritesNumbersInExponentForm) {
  test::TempDatabase db("sb-store");
  auto open = [&] {
    return std::make_unique<sqlite::SqliteStore>(sqlite::SqliteOptions{db.path(), 2});
  };
  auto store = open();
  store->write_sync([](Session& s) { s.orgs().insert_org("org-a", "a", 1); });
  auto list = [&] {
    std::vector<std::string> out;
    store->read_sync([&](Session& s) { out = s.resources().list("thing", "org-a", {}).documents; });
    return out;
  };
  store->write_sync([](Session& s) {
    s.resources().insert(record("old", "org-a", 5, R"(,"t":7E-1,"n":4.32E4,"s":"9E9 in text")"));
    s.resources().insert(record("plain", "org-a", 6, R"(,"t":0.5,"s":"1E1")"));
  });
  store.reset();
  {
    sqlite::Connection conn(db.path(), sqlite::Connection::Mode::kReadWrite);
    // Back to version 4's schema: without the analytics column, the instances' tables and
    // the call events.
    conn.exec(
        "DROP TABLE call_events; DROP TRIGGER resources_call_assistant_inserted; "
        "DROP TRIGGER resources_call_assistant_updated; DROP INDEX resources_calls_by_created; "
        "ALTER TABLE resources DROP COLUMN call_assistant_id; DROP TABLE call_owners; "
        "DROP TABLE instances; PRAGMA user_version = 4");
  }
  store = open();
  EXPECT_EQ(list(),
            (std::vector<std::string>{R"({"id":"plain","t":0.5,"s":"1E1"})",
                                      R"({"id":"old","t":0.7,"n":43200,"s":"9E9 in text"})"}));
  EXPECT_GE(sqlite::latest_schema_version(), 5);
}

}  // namespace
}  // namespace sb::storage
