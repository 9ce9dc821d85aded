// Calls scheduled for later over a temporary database and a ManualClock, the timers' executor
// polled by the test (no sleeps): a call is handed to `dial` at its earliestAt and not before,
// even days ahead; one the server has no room for is tried again until its latestAt ends it;
// rearm() at start arms what the database holds as scheduled and ends what expired meanwhile.

#include "runtime/voice/scheduled_calls.hpp"

#include <gtest/gtest.h>

#include <future>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include "core/crypto.hpp"
#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "temp_database.hpp"

namespace sb::voice {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr EpochMs kStart = 1'700'000'000'000;

class ScheduledCallsTest : public ::testing::Test {
 protected:
  // A scheduled call of org-a whose plan is `earliest` (and `latest`) ms from the start.
  static json::object call(std::string id, EpochMs earliest, std::optional<EpochMs> latest = {},
                           std::string status = "scheduled") {
    json::object plan{{"earliestAt", format_iso8601(kStart + earliest)}};
    if (latest) plan["latestAt"] = format_iso8601(kStart + *latest);
    return {{"id", id},
            {"orgId", "org-a"},
            {"type", "outboundPhoneCall"},
            {"status", status},
            {"schedulePlan", plan},
            {"createdAt", format_iso8601(kStart)},
            {"updatedAt", format_iso8601(kStart)}};
  }
  void schedule(json::object c, json::object secrets = {}) {
    std::promise<std::exception_ptr> stored;
    scheduled_.schedule(std::move(c), std::move(secrets),
                        [&](std::exception_ptr e, json::object) { stored.set_value(e); });
    ASSERT_EQ(stored.get_future().get(), nullptr);
    run();
  }
  // Runs what the timers and the scheduler have posted.
  void run() {
    io_.restart();
    io_.poll();
  }
  void advance(std::chrono::milliseconds by) {
    clock_.advance(by);
    run();
  }
  std::string stored_status(const std::string& id) {
    std::string status;
    store_->read_sync([&](storage::Session& s) {
      status = string_at(service_.load(s, spec_, "org-a", id), "status");
    });
    return status;
  }

  test::TempDatabase db_{"sb-scheduled-calls"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_ = db_.open_with_org(2);
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const resources::ResourceService service_{secrets_};
  const resources::ResourceSpec spec_ = calls::call_spec();
  ManualClock clock_{kStart};
  boost::asio::io_context io_;
  std::vector<std::string> dialled_;  ///< ids, in order
  std::vector<std::string> ended_;    ///< "id reason"
  bool room_ = true;                  ///< false: dial answers "again"
  ScheduledCalls scheduled_{ScheduledCallsDeps{
      *store_, service_, spec_, io_.get_executor(), clock_,
      [this](const json::object& c, std::function<void(bool)> done) {
        dialled_.emplace_back(string_at(c, "id"));
        done(!room_);
      },
      [this](const std::string& org, const std::string& id, const std::string& reason) {
        EXPECT_EQ(org, "org-a");
        ended_.push_back(id + " " + reason);
      }}};
};

TEST_F(ScheduledCallsTest, IsStoredScheduledAndDialledAtItsEarliestAtNotBefore) {
  schedule(call("c1", 60'000));
  EXPECT_EQ(stored_status("c1"), "scheduled");
  EXPECT_EQ(scheduled_.waiting(), 1u);
  advance(59'999ms);
  EXPECT_TRUE(dialled_.empty());
  advance(1ms);
  EXPECT_EQ(dialled_, std::vector<std::string>{"c1"});
  EXPECT_EQ(scheduled_.waiting(), 0u);
  advance(24h);
  EXPECT_EQ(dialled_.size(), 1u) << "dialled once";
  EXPECT_TRUE(ended_.empty());
}

TEST_F(ScheduledCallsTest, SecretsAreKeptSealedUntilTheCallIsNextWritten) {
  schedule(call("c1", 60'000), json::object{{"phoneNumber", {{"twilioAuthToken", "hush"}}}});
  std::optional<storage::ResourceRecord> raw;
  store_->read_sync(
      [&](storage::Session& s) { raw = s.resources().find(spec_.kind, "org-a", "c1"); });
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->document.find("hush"), std::string::npos);
  EXPECT_EQ(raw->sealed_secrets.find("hush"), std::string::npos);
  EXPECT_FALSE(raw->sealed_secrets.empty());
  auto opened = [&] {
    std::promise<json::object> got;
    scheduled_.secrets_of("org-a", "c1", [&](std::exception_ptr e, json::object secrets) {
      EXPECT_EQ(e, nullptr);
      got.set_value(std::move(secrets));
    });
    return got.get_future().get();
  };
  EXPECT_EQ(json::serialize(opened()), R"({"phoneNumber":{"twilioAuthToken":"hush"}})");
  // Going live (the claim) and ending both replace the stored call.
  store_->write_sync([&](storage::Session& s) {
    auto claimed = service_.load(s, spec_, "org-a", "c1");
    claimed["status"] = "queued";
    service_.replace_document(s, spec_, claimed);
  });
  EXPECT_TRUE(opened().empty());
}

TEST_F(ScheduledCallsTest, CallsDaysAheadWaitInStepsAndGoInTheirOrder) {
  schedule(call("later", 3 * 24 * 3'600'000LL + 5));
  schedule(call("sooner", 24 * 3'600'000LL));
  for (int hour = 0; hour < 72; ++hour) advance(1h);
  EXPECT_EQ(dialled_, std::vector<std::string>{"sooner"});
  advance(4ms);
  EXPECT_EQ(dialled_.size(), 1u);
  advance(1ms);
  EXPECT_EQ(dialled_, (std::vector<std::string>{"sooner", "later"}));
}

TEST_F(ScheduledCallsTest, WithoutRoomItIsTriedAgainUntilItsLatestAtEndsIt) {
  room_ = false;
  schedule(call("c1", 1'000, 12'000));
  advance(1s);
  EXPECT_EQ(dialled_.size(), 1u);
  advance(4'999ms);
  EXPECT_EQ(dialled_.size(), 1u);
  advance(1ms);  // retried 5 s later
  EXPECT_EQ(dialled_.size(), 2u);
  EXPECT_TRUE(ended_.empty());
  advance(5s);  // 11 s: still inside its window
  EXPECT_EQ(dialled_.size(), 3u);
  advance(5s);  // 16 s: its latestAt (12 s) has passed
  EXPECT_EQ(dialled_.size(), 3u);
  EXPECT_EQ(ended_, std::vector<std::string>{"c1 " + std::string(calls::kScheduleExpiredReason)});
  EXPECT_EQ(scheduled_.waiting(), 0u);
}

TEST_F(ScheduledCallsTest, RearmArmsTheStoredScheduledCallsAndEndsThoseWhoseWindowPassed) {
  store_->write_sync([&](storage::Session& s) {
    service_.insert_document(s, spec_, call("waits", 30'000));
    service_.insert_document(s, spec_, call("expired", -60'000, -1));
    service_.insert_document(s, spec_, call("due", -60'000, 60'000));
    service_.insert_document(s, spec_, call("done", -60'000, {}, "ended"));
  });
  scheduled_.rearm();
  run();
  EXPECT_EQ(scheduled_.waiting(), 3u);
  advance(0ms);  // what was already due goes at once
  EXPECT_EQ(dialled_, std::vector<std::string>{"due"});
  EXPECT_EQ(ended_,
            std::vector<std::string>{"expired " + std::string(calls::kScheduleExpiredReason)});
  advance(30s);
  EXPECT_EQ(dialled_, (std::vector<std::string>{"due", "waits"}));
  EXPECT_EQ(scheduled_.waiting(), 0u);
}

}  // namespace
}  // namespace sb::voice
