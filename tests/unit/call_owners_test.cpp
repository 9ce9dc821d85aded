// Live calls across instances on one database: the owner rows and heartbeats of the
// InstanceRepository (both backends), and CallOwners taking over the calls of an instance whose
// heartbeat stopped (two or three stores on one PostgreSQL schema, one ManualClock): each call
// ended exactly once, by one instance, in the write that takes it.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "core/manual_clock.hpp"
#include "runtime/voice/call_owners.hpp"
#include "storage/instance_repository.hpp"
#include "store_backend.hpp"

namespace sb::voice {
namespace {

using namespace std::chrono_literals;
using storage::CallOwner;

constexpr EpochMs kStart = 1'700'000'000'000;

class InstanceRepositoryTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    store_ = db_.open(1);
  }
  template <class F>
  auto write(F f) {
    decltype(f(std::declval<storage::InstanceRepository&>())) out{};
    store_->write_sync([&](storage::Session& s) { out = f(s.instances()); });
    return out;
  }

  test::BackendDatabase db_{GetParam(), "sb-instances"};
  std::unique_ptr<storage::Store> store_;
};

std::set<std::string> ids_of(const std::vector<CallOwner>& owners) {
  std::set<std::string> out;
  for (const auto& o : owners) out.insert(o.call_id);
  return out;
}

TEST_P(InstanceRepositoryTest, AnOwnerRowNamesTheInstanceItsUrlAndItsLastHeartbeat) {
  write([](auto& r) {
    r.heartbeat("a", "http://a:1", 1'000);
    r.heartbeat("a", "http://a:2", 2'000);  // renewed: the latest URL and time
    r.own_call("c1", "org-a", "a", 1'500);
    return 0;
  });
  const auto owner = write([](auto& r) { return r.owner_of("c1"); });
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->org_id, "org-a");
  EXPECT_EQ(owner->instance_id, "a");
  EXPECT_EQ(owner->instance_url, "http://a:2");
  EXPECT_EQ(owner->last_seen, 2'000);
  write([](auto& r) {
    r.disown_call("c1");
    return 0;
  });
  EXPECT_FALSE(write([](auto& r) { return r.owner_of("c1"); })) << "an ended call has no owner";
}

TEST_P(InstanceRepositoryTest, OrphansAreTheCallsOfInstancesSilentSinceTheBoundAndGoOnce) {
  write([](auto& r) {
    r.heartbeat("alive", "http://alive", 10'000);
    r.heartbeat("dead", "http://dead", 1'000);
    r.heartbeat("me", "http://me", 1'000);
    r.own_call("c-alive", "org-a", "alive", 1);
    r.own_call("c-dead1", "org-a", "dead", 2);
    r.own_call("c-dead2", "org-a", "dead", 3);
    r.own_call("c-nobeat", "org-a", "never-beat", 4);
    r.own_call("c-me", "org-a", "me", 5);
    return 0;
  });
  const auto taken = write([](auto& r) { return r.take_orphans(5'000, "me", 100); });
  EXPECT_EQ(ids_of(taken), (std::set<std::string>{"c-dead1", "c-dead2", "c-nobeat"}))
      << "a live owner's calls and the taker's own are not orphans";
  EXPECT_TRUE(write([](auto& r) { return r.take_orphans(5'000, "me", 100); }).empty())
      << "a taken row is gone";
  EXPECT_TRUE(write([](auto& r) { return r.owner_of("c-alive"); }));
  EXPECT_FALSE(write([](auto& r) { return r.owner_of("c-dead1"); }));

  const auto mine = write([](auto& r) { return r.take_calls_of("me"); });
  EXPECT_EQ(ids_of(mine), (std::set<std::string>{"c-me"})) << "what a restart finds of its own";
}

TEST_P(InstanceRepositoryTest, ATakeIsBoundedByItsLimit) {
  write([](auto& r) {
    for (int i = 0; i < 5; ++i) r.own_call("c" + std::to_string(i), "org-a", "dead", i);
    return 0;
  });
  EXPECT_EQ(write([](auto& r) { return r.take_orphans(5'000, "me", 2); }).size(), 2u);
  EXPECT_EQ(write([](auto& r) { return r.take_orphans(5'000, "me", 100); }).size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, InstanceRepositoryTest, SB_ALL_STORE_BACKENDS);

// Three instances on one PostgreSQL schema; instance 0 owns the calls and stops beating.
class CallOwnersInstancesTest : public ::testing::Test {
 protected:
  static constexpr auto kBeat = 5s;
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    for (int i = 0; i < 3; ++i) {
      stores_[i] = db_.open(1);
      CallOwnersOptions options{"i" + std::to_string(i),
                                [i] { return "http://instance-" + std::to_string(i); }, kBeat,
                                kBeat * 3, 100};
      owners_[i] = std::make_unique<CallOwners>(
          *stores_[i],
          [this, i](storage::Session&, const CallOwner& call, const std::string& reason) {
            std::lock_guard lock(mutex_);
            ended_.push_back({call.call_id, i, reason});
            return true;
          },
          std::move(options), io_.get_executor(), clock_);
    }
  }
  void TearDown() override {
    for (auto& o : owners_) o.reset();
    for (auto& s : stores_) s.reset();
  }
  std::size_t beat(int i) {
    std::promise<std::size_t> done;
    owners_[i]->beat([&](std::size_t n) { done.set_value(n); });
    return done.get_future().get();
  }
  std::optional<std::string> owner_url(int i, const std::string& call) {
    std::promise<std::optional<std::string>> found;
    owners_[i]->owner_url(call, [&](std::optional<std::string> url) { found.set_value(url); });
    auto future = found.get_future();
    while (future.wait_for(1ms) != std::future_status::ready) {
      io_.restart();
      io_.poll();
    }
    return future.get();
  }
  void own(int i, const std::string& call) {
    stores_[i]->write_sync([&](storage::Session& s) {
      s.instances().own_call(call, "org-a", "i" + std::to_string(i), clock_.wall_ms());
    });
  }
  struct Ended {
    std::string call;
    int by;
    std::string reason;
  };

  test::BackendDatabase db_{test::StoreBackend::kPostgres, "sb-call-owners"};
  std::unique_ptr<storage::Store> stores_[3];
  ManualClock clock_{kStart};
  boost::asio::io_context io_;
  std::unique_ptr<CallOwners> owners_[3];
  std::mutex mutex_;
  std::vector<Ended> ended_;
};

TEST_F(CallOwnersInstancesTest, AnotherInstanceFindsTheOwnerWhileItBeats) {
  for (int i = 0; i < 3; ++i) beat(i);
  own(0, "c1");
  EXPECT_EQ(owner_url(1, "c1"), "http://instance-0") << "relayed to the owner";
  EXPECT_EQ(owner_url(0, "c1"), std::nullopt) << "the owner answers itself";
  EXPECT_EQ(owner_url(1, "c-unknown"), std::nullopt);
  clock_.advance(kBeat * 3 + 1ms);
  EXPECT_EQ(owner_url(1, "c1"), std::nullopt) << "a silent owner is not relayed to";
}

TEST_F(CallOwnersInstancesTest, TheCallsOfASilentOwnerAreEndedOnceByOneOtherInstance) {
  for (int i = 0; i < 3; ++i) beat(i);
  for (int c = 0; c < 20; ++c) own(0, "c" + std::to_string(c));
  // Within the bound the owner counts as alive, though it missed beats.
  clock_.advance(kBeat * 3);
  EXPECT_EQ(beat(1) + beat(2), 0u);
  clock_.advance(1ms);
  // Both survivors beat at once: every call is taken by exactly one of them.
  std::size_t by1 = 0, by2 = 0;
  std::thread other([&] { by2 = beat(2); });
  by1 = beat(1);
  other.join();
  EXPECT_EQ(by1 + by2, 20u);
  std::set<std::string> calls;
  for (const auto& e : ended_) {
    calls.insert(e.call);
    EXPECT_EQ(e.reason, "call.in-progress.error-vapifault-worker-died");
    EXPECT_NE(e.by, 0);
  }
  EXPECT_EQ(ended_.size(), 20u) << "no call ended twice";
  EXPECT_EQ(calls.size(), 20u);
  EXPECT_EQ(beat(1) + beat(2), 0u) << "nothing is left to take";
}

TEST_F(CallOwnersInstancesTest, AnInstanceThatBeatsKeepsItsCalls) {
  for (int i = 0; i < 3; ++i) beat(i);
  own(0, "c1");
  for (int round = 0; round < 5; ++round) {
    clock_.advance(kBeat);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(beat(i), 0u);
  }
  EXPECT_TRUE(ended_.empty());
  EXPECT_EQ(owner_url(2, "c1"), "http://instance-0");
}

TEST_F(CallOwnersInstancesTest, ABeatStillQueuedWhenItsRegistryGoesDoesNothing) {
  own(0, "c1");
  // The store's writer is busy while the registry goes (a server stopping at start).
  std::promise<void> release;
  auto released = release.get_future().share();
  stores_[0]->post_write([released](storage::Session&) { released.wait(); },
                         [](std::exception_ptr) {});
  std::promise<std::size_t> done;
  owners_[0]->beat([&](std::size_t n) { done.set_value(n); });
  owners_[0].reset();
  release.set_value();
  EXPECT_EQ(done.get_future().get(), 0u);
  EXPECT_EQ(owner_url(1, "c1"), std::nullopt) << "no heartbeat was written for it";
}

TEST_F(CallOwnersInstancesTest, ARestartEndsTheCallsItsLastRunOwned) {
  own(0, "c1");
  own(1, "c2");
  owners_[0]->start();  // the same instance id, a new process
  ASSERT_EQ(ended_.size(), 1u);
  EXPECT_EQ(ended_[0].call, "c1");
  EXPECT_EQ(ended_[0].by, 0);
}

}  // namespace
}  // namespace sb::voice
