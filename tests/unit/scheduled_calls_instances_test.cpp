// Calls scheduled for later with two instances on one PostgreSQL database (two stores on one
// schema, one ManualClock): a call scheduled on one instance is armed on the other by its
// rescan, dialled once when both wake for it, and dialled by the other when the first is gone.
// Each dial claims the call as LiveCalls::resume_with does: a locked read of the stored call,
// its status checked, then rewritten, in one write.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "core/api_error.hpp"
#include "core/crypto.hpp"
#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/voice/scheduled_calls.hpp"
#include "storage/resource_repository.hpp"
#include "store_backend.hpp"
#include "temp_database.hpp"

namespace sb::voice {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::eventually;

constexpr EpochMs kStart = 1'700'000'000'000;

class ScheduledCallsInstancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    stores_[0] = db_.open_with_org(1);
    stores_[1] = db_.open(1);
    for (int i = 0; i < 2; ++i) instances_[i] = std::make_unique<ScheduledCalls>(deps(i));
  }
  void TearDown() override {
    for (auto& i : instances_) i.reset();
    for (auto& s : stores_) s.reset();
  }

  ScheduledCallsDeps deps(int i) {
    return ScheduledCallsDeps{*stores_[i],
                              service_,
                              spec_,
                              io_.get_executor(),
                              clock_,
                              [this, i](const json::object& call, std::function<void(bool)> done) {
                                claim(i, std::string(string_at(call, "id")));
                                done(false);
                              },
                              [](const std::string&, const std::string&, const std::string&) {}};
  }
  // Moves the stored call from scheduled to queued, or fails as someone else's.
  void claim(int i, std::string id) {
    stores_[i]->post_write(
        [this, id](storage::Session& s) {
          if (!s.resources().find(spec_.kind, "org-a", id))
            throw ApiError(ErrorCode::kConflict, "deleted");
          auto stored = service_.load(s, spec_, "org-a", id);
          if (string_at(stored, "status") != "scheduled")
            throw ApiError(ErrorCode::kConflict, "no longer scheduled");
          stored["status"] = "queued";
          service_.replace_document(s, spec_, stored);
        },
        [this, i](std::exception_ptr error) {
          std::lock_guard lock(mutex_);
          (error ? refused_ : dialled_).push_back(i);
        });
  }
  void schedule_on(int i, const std::string& id, EpochMs earliest) {
    json::object call{{"id", id},
                      {"orgId", "org-a"},
                      {"type", "outboundPhoneCall"},
                      {"status", "scheduled"},
                      {"schedulePlan", {{"earliestAt", format_iso8601(kStart + earliest)}}},
                      {"createdAt", format_iso8601(kStart)},
                      {"updatedAt", format_iso8601(kStart)}};
    std::promise<std::exception_ptr> stored;
    instances_[i]->schedule(std::move(call), {},
                            [&](std::exception_ptr e, json::object) { stored.set_value(e); });
    ASSERT_EQ(stored.get_future().get(), nullptr);
    run();
  }
  void run() {
    io_.restart();
    io_.poll();
  }
  // Advances the clock, then runs what it woke and what the store's jobs posted back.
  void advance(std::chrono::milliseconds by) {
    clock_.advance(by);
    for (int i = 0; i < 20; ++i) {
      run();
      std::this_thread::sleep_for(5ms);
    }
  }
  std::pair<std::vector<int>, std::vector<int>> outcomes() {
    std::lock_guard lock(mutex_);
    return {dialled_, refused_};
  }

  test::BackendDatabase db_{test::StoreBackend::kPostgres, "sb-scheduled-instances"};
  std::unique_ptr<storage::Store> stores_[2];
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const resources::ResourceService service_{secrets_};
  const resources::ResourceSpec spec_ = calls::call_spec();
  ManualClock clock_{kStart};
  boost::asio::io_context io_;
  std::unique_ptr<ScheduledCalls> instances_[2];
  std::mutex mutex_;
  std::vector<int> dialled_;  ///< the instance of each successful claim
  std::vector<int> refused_;  ///< the instance of each failed claim
};

TEST_F(ScheduledCallsInstancesTest, ACallIsArmedOnBothAndDialledOnce) {
  instances_[1]->rescan_every(10s);
  run();
  schedule_on(0, "c1", 60'000);
  EXPECT_EQ(instances_[1]->waiting(), 0u);
  advance(10s);  // the rescan's read; what it found is armed
  ASSERT_TRUE(eventually([&] {
    run();
    return instances_[1]->waiting() == 1;
  }));
  advance(50s);
  ASSERT_TRUE(eventually([&] {
    const auto [dialled, refused] = outcomes();
    return dialled.size() + refused.size() == 2;
  }));
  const auto [dialled, refused] = outcomes();
  EXPECT_EQ(dialled.size(), 1u) << "dialled once across the instances";
  EXPECT_EQ(refused.size(), 1u);
}

TEST_F(ScheduledCallsInstancesTest, TheOtherInstanceDialsACallWhoseInstanceIsGone) {
  instances_[1]->rescan_every(10s);
  run();
  schedule_on(0, "c1", 60'000);
  instances_[0].reset();  // the instance that took the request died
  advance(10s);
  ASSERT_TRUE(eventually([&] {
    run();
    return instances_[1]->waiting() == 1;
  }));
  advance(50s);
  ASSERT_TRUE(eventually([&] { return !outcomes().first.empty(); }));
  EXPECT_EQ(outcomes().first, std::vector<int>{1});
  EXPECT_TRUE(outcomes().second.empty());
}

}  // namespace
}  // namespace sb::voice
