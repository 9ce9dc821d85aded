// The API-key memory: a key works at once, and a deleted key is refused at once, by this
// instance and (PostgreSQL) by another instance on the same database; where no feed carries the
// deletion (SQLite, another process), once the remembered key is checked again.
#include "auth/api_key_authenticator.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "core/crypto.hpp"
#include "core/manual_clock.hpp"
#include "storage/change_feed.hpp"
#include "storage/org_repository.hpp"
#include "store_backend.hpp"

namespace sb::auth {
namespace {

using http::AuthResult;

AuthResult::Status check(ApiKeyAuthenticator& auth, const std::string& key) {
  std::promise<AuthResult::Status> status;
  auth.authenticate(key, "127.0.0.1", [&](AuthResult r) { status.set_value(r.status); });
  return status.get_future().get();
}

void add_key(storage::Store& store, const std::string& key) {
  store.write_sync([&](storage::Session& s) {
    s.orgs().insert_key(sha256_hex(key), "org-a", storage::KeyKind::kPrivate, 1);
  });
}

void delete_key(storage::Store& store, const std::string& key) {
  store.write_sync([&](storage::Session& s) { ASSERT_TRUE(s.orgs().delete_key(sha256_hex(key))); });
}

class ApiKeyAuthenticatorTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override { SB_SKIP_UNLESS_AVAILABLE(db_); }
  test::BackendDatabase db_{GetParam(), "sb-keys"};
};

INSTANTIATE_TEST_SUITE_P(Backends, ApiKeyAuthenticatorTest, SB_ALL_STORE_BACKENDS);

TEST_P(ApiKeyAuthenticatorTest, ADeletedKeyIsRefusedThoughItWasRemembered) {
  auto store = db_.open_with_org(1);
  ApiKeyAuthenticator auth(*store);
  add_key(*store, "key-one-1234");
  add_key(*store, "key-two-1234");
  EXPECT_EQ(check(auth, "key-one-1234"), AuthResult::Status::kOk);
  EXPECT_EQ(check(auth, "key-one-1234"), AuthResult::Status::kOk);  // now from memory
  EXPECT_EQ(check(auth, "key-two-1234"), AuthResult::Status::kOk);
  delete_key(*store, "key-one-1234");
  EXPECT_EQ(check(auth, "key-one-1234"), AuthResult::Status::kInvalid);
  EXPECT_EQ(check(auth, "key-two-1234"), AuthResult::Status::kOk);
  store->stop();
}

TEST_P(ApiKeyAuthenticatorTest, ADeletionForgetsThatKeyAloneTheOthersNeedNoLookup) {
  auto store = db_.open_with_org(1);
  http::RateLimiter::Options two_lookups;
  two_lookups.per_second = 0.001;
  two_lookups.burst = 2;
  ApiKeyAuthenticator auth(*store, two_lookups);
  add_key(*store, "key-one-1234");
  add_key(*store, "key-two-1234");
  EXPECT_EQ(check(auth, "key-one-1234"), AuthResult::Status::kOk);
  EXPECT_EQ(check(auth, "key-two-1234"), AuthResult::Status::kOk);  // the budget is spent
  delete_key(*store, "key-one-1234");
  EXPECT_NE(check(auth, "key-one-1234"), AuthResult::Status::kOk);
  EXPECT_EQ(check(auth, "key-two-1234"), AuthResult::Status::kOk);  // still remembered
  store->stop();
}

TEST_P(ApiKeyAuthenticatorTest, AKeyDeletedWhereTheFeedDoesNotReachIsRefusedAfterTheRecheck) {
  // Another store on the same database stands for another process (the CLI beside a SQLite
  // server): its deletion reaches this store's feed only on PostgreSQL.
  auto store = db_.open_with_org(1);
  auto elsewhere = db_.open(1);
  ManualClock clock;
  ApiKeyAuthenticator auth(*store, {}, clock);
  add_key(*store, "key-one-1234");
  EXPECT_EQ(check(auth, "key-one-1234"), AuthResult::Status::kOk);
  delete_key(*elsewhere, "key-one-1234");
  if (GetParam() == test::StoreBackend::kSqlite) {
    clock.advance(ApiKeyAuthenticator::kRecheckAfter - std::chrono::milliseconds(1));
    EXPECT_EQ(check(auth, "key-one-1234"), AuthResult::Status::kOk);  // remembered still
    clock.advance(std::chrono::milliseconds(1));
  } else {
    clock.advance(ApiKeyAuthenticator::kRecheckAfter);  // whether or not the NOTIFY came yet
  }
  EXPECT_EQ(check(auth, "key-one-1234"), AuthResult::Status::kInvalid);
  elsewhere->stop();
  store->stop();
}

TEST(ApiKeyAuthenticatorAcrossInstances, AKeyDeletedThroughOneStoreIsRefusedByTheOther) {
  test::BackendDatabase db{test::StoreBackend::kPostgres, "sb-keys-two"};
  SB_SKIP_UNLESS_AVAILABLE(db);
  auto a = db.open_with_org(1);
  auto b = db.open(1);
  ApiKeyAuthenticator on_b(*b);
  add_key(*a, "shared-key-1234");
  EXPECT_EQ(check(on_b, "shared-key-1234"), AuthResult::Status::kOk);
  // Subscribed after the authenticator, so it hears the deletion after the authenticator did.
  std::mutex mutex;
  std::condition_variable heard;
  bool deleted = false;
  auto subscription = b->changes().subscribe([&](const storage::ResourceChange& change) {
    std::lock_guard lock(mutex);
    deleted = deleted || change.kind == storage::kApiKeyKind;
    heard.notify_all();
  });
  delete_key(*a, "shared-key-1234");
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(heard.wait_for(lock, std::chrono::seconds(10), [&] { return deleted; }));
  }
  EXPECT_EQ(check(on_b, "shared-key-1234"), AuthResult::Status::kInvalid);
  subscription.reset();
  a->stop();
  b->stop();
}

}  // namespace
}  // namespace sb::auth
