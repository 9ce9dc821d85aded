// The campaign dialer over a temporary database and a ManualClock, its executor polled by the
// test: calls are claimed (stored scheduled with the campaignId, recorded on the campaign) and
// handed to `dial`, never more than maxConcurrency or the org's ceiling at once; each contact
// once; a call's end (a write of the call, seen on the change feed) frees its slot; the
// schedulePlan's window opens and closes on the clock; a cancelled campaign's calls not yet
// dialled are deleted; a dialer started on the same database (a restart) dials nobody twice.

#include "runtime/voice/campaign_dialer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "core/crypto.hpp"
#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/campaigns/campaign_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/change_feed.hpp"
#include "store_backend.hpp"
#include "temp_database.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::voice {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr EpochMs kStart = 1'700'000'000'000;

// Server messages: campaign.predial requests wait for the test to answer them.
class FakeDeliveries final : public webhooks::Deliveries {
 public:
  std::string enqueue(storage::Session&, const webhooks::Destination&, std::string_view,
                      json::object) override {
    return "m";
  }
  webhooks::Cancel request(webhooks::Destination to, json::object message,
                           std::chrono::milliseconds,
                           std::function<void(webhooks::Reply)> done) override {
    asked.push_back({std::move(to), std::move(message), std::move(done)});
    return [] {};
  }
  struct Asked {
    webhooks::Destination to;
    json::object message;
    std::function<void(webhooks::Reply)> done;
  };
  std::vector<Asked> asked;
};

class CampaignDialerTest : public ::testing::Test {
 protected:
  CampaignDialerTest() { dialer_ = make_dialer(); }

  std::unique_ptr<CampaignDialer> make_dialer() {
    return std::make_unique<CampaignDialer>(CampaignDialerDeps{
        *store_, service_, campaigns_, calls_, io_.get_executor(), clock_,
        [this](json::object call) {
          dialled_.push_back(std::string(string_at(call, "id")));
          numbers_.insert(std::string(string_at(*object_at(call, "customer"), "number")));
          EXPECT_EQ(string_at(call, "status"), "scheduled");
          live_.insert(std::string(string_at(call, "id")));
          peak_ = std::max(peak_, live_.size());
        },
        ceiling_, &deliveries_});
  }

  // Stores a campaign of `customers` contacts (ids "c-<name>") and lets the dialer see it.
  std::string create(const std::string& name, int customers, json::object extra = {}) {
    json::array list;
    for (int i = 0; i < customers; ++i)
      list.push_back(json::object{{"number", "+1" + std::to_string(4155550000 + ++numbered_)}});
    json::object c{{"id", "c-" + name},
                   {"orgId", "org-a"},
                   {"name", name},
                   {"status", "scheduled"},
                   {"assistantId", "a-1"},
                   {"phoneNumberId", "n-1"},
                   {"customers", std::move(list)},
                   {"calls", json::object{}},
                   {"createdAt", format_iso8601(kStart)},
                   {"updatedAt", format_iso8601(kStart)}};
    for (auto& [k, v] : extra) c[k] = v;
    store_->write_sync([&](storage::Session& s) { service_.insert_document(s, campaigns_, c); });
    settle();
    return "c-" + name;
  }
  // Writes the stored call `id` as `status` (as the live calls would), then settles.
  void set_call(const std::string& id, const std::string& status,
                const std::string& reason = "customer-ended-call") {
    store_->write_sync([&](storage::Session& s) {
      auto call = service_.load(s, calls_, "org-a", id);
      call["status"] = status;
      if (status == "ended") call["endedReason"] = reason;
      service_.replace_document(s, calls_, call);
    });
    if (status == "ended") live_.erase(id);
    settle();
  }
  // Answers and ends every call dialled and not ended, oldest first.
  void end_all(const std::string& reason = "customer-ended-call") {
    const auto now = std::vector<std::string>(live_.begin(), live_.end());
    for (const auto& id : now) {
      set_call(id, "in-progress");
      set_call(id, "ended", reason);
    }
  }
  json::object campaign(const std::string& id) {
    json::object c;
    store_->read_sync([&](storage::Session& s) { c = service_.load(s, campaigns_, "org-a", id); });
    return c;
  }
  // Runs what was posted and what the store's writer finishes meanwhile, until nothing moves.
  void settle() {
    for (int i = 0; i < 50; ++i) {
      io_.restart();
      const auto ran = io_.poll();
      store_->write_sync([](storage::Session&) {});
      io_.restart();
      if (ran == 0 && io_.poll() == 0) return;
    }
  }
  void advance(std::chrono::milliseconds by) {
    clock_.advance(by);
    settle();
  }

  test::TempDatabase db_{"sb-campaign-dialer"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_ = db_.open_with_org(2);
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  ManualClock clock_{kStart};
  const resources::ResourceService service_{secrets_, clock_};
  const resources::ResourceSpec calls_ = calls::call_spec();
  const resources::ResourceSpec campaigns_ = campaigns::campaign_spec();
  boost::asio::io_context io_;
  std::int64_t ceiling_ = 100;
  FakeDeliveries deliveries_;
  std::vector<std::string> dialled_;
  std::multiset<std::string> numbers_;  ///< customers dialled (a number twice: dialled twice)
  std::set<std::string> live_;          ///< dialled, not ended
  std::size_t peak_ = 0;
  int numbered_ = 0;
  std::unique_ptr<CampaignDialer> dialer_;
};

TEST_F(CampaignDialerTest, CallsEveryContactOnceNeverAboveMaxConcurrencyThenEnds) {
  const auto id = create("twelve", 12, {{"maxConcurrency", 3}});
  EXPECT_EQ(dialled_.size(), 3u);
  auto c = campaign(id);
  EXPECT_EQ(string_at(c, "status"), "in-progress");
  EXPECT_EQ(int_at(c, "callsCounterScheduled"), 3);
  // A dialled call is stored scheduled, carries its campaign, and is recorded on it.
  store_->read_sync([&](storage::Session& s) {
    const auto call = service_.load(s, calls_, "org-a", dialled_[0]);
    EXPECT_EQ(string_at(call, "campaignId"), id);
    EXPECT_EQ(string_at(call, "assistantId"), "a-1");
    EXPECT_EQ(string_at(call, "phoneNumberId"), "n-1");
  });
  while (!live_.empty()) end_all();
  EXPECT_EQ(dialled_.size(), 12u);
  EXPECT_EQ(peak_, 3u);
  for (const auto& n : numbers_) EXPECT_EQ(numbers_.count(n), 1u) << n;
  c = campaign(id);
  EXPECT_EQ(string_at(c, "status"), "ended");
  EXPECT_EQ(string_at(c, "endedReason"), "campaign.ended.success");
  EXPECT_EQ(int_at(c, "callsCounterEnded"), 12);
  campaigns::summarize(c, true);
  EXPECT_EQ(int_at(*object_at(c, "contactCounters"), "completed"), 12);
  EXPECT_EQ(int_at(*object_at(c, "callMetrics"), "connected"), 12);
}

TEST_F(CampaignDialerTest, AFailedCallFreesItsSlotAndFailsItsContact) {
  const auto id = create("two", 2, {{"maxConcurrency", 1}});
  ASSERT_EQ(dialled_.size(), 1u);
  set_call(dialled_[0], "ended", "customer-busy");
  EXPECT_EQ(dialled_.size(), 2u);
  const auto contacts = campaigns::contacts_of(campaign(id));
  EXPECT_EQ(string_at(contacts[0], "status"), "contact.failed");
  EXPECT_EQ(string_at(contacts[0], "endedReason"), "customer-busy");
  EXPECT_EQ(string_at(contacts[1], "status"), "contact.dispatched");
}

TEST_F(CampaignDialerTest, ADeletedCallFreesItsSlotAndFailsItsContact) {
  const auto id = create("deleted", 2, {{"maxConcurrency", 1}});
  ASSERT_EQ(dialled_.size(), 1u);
  store_->write_sync(
      [&](storage::Session& s) { service_.remove(s, calls_, "org-a", dialled_[0]); });
  settle();
  EXPECT_EQ(dialled_.size(), 2u);
  const auto contacts = campaigns::contacts_of(campaign(id));
  EXPECT_EQ(string_at(contacts[0], "status"), "contact.failed");
  EXPECT_EQ(string_at(contacts[0], "endedReason"), "campaign.call-deleted");
}

TEST_F(CampaignDialerTest, TheWindowOpensAtEarliestAtAndClosesAtLatestAt) {
  json::object plan{{"earliestAt", format_iso8601(kStart + 60'000)},
                    {"latestAt", format_iso8601(kStart + 120'000)}};
  const auto id = create("window", 5, {{"maxConcurrency", 2}, {"schedulePlan", plan}});
  advance(59'999ms);
  EXPECT_TRUE(dialled_.empty());
  EXPECT_EQ(string_at(campaign(id), "status"), "scheduled");
  advance(1ms);
  EXPECT_EQ(dialled_.size(), 2u);
  end_all();
  EXPECT_EQ(dialled_.size(), 4u);
  advance(60'001ms);  // past latestAt, two calls in flight: it waits for them
  EXPECT_EQ(string_at(campaign(id), "status"), "in-progress");
  end_all();
  EXPECT_EQ(dialled_.size(), 4u) << "nobody dialled after latestAt";
  const auto c = campaign(id);
  EXPECT_EQ(string_at(c, "status"), "ended");
  EXPECT_EQ(string_at(campaigns::contacts_of(c)[4], "status"), "contact.skipped");
}

TEST_F(CampaignDialerTest, TheOrgCeilingHoldsAcrossCampaigns) {
  ceiling_ = 4;
  dialer_ = make_dialer();
  create("one", 6, {{"maxConcurrency", 3}});
  create("two", 6, {{"maxConcurrency", 3}});
  EXPECT_EQ(live_.size(), 4u);
  while (!live_.empty()) {
    EXPECT_LE(live_.size(), 4u);
    end_all();
  }
  EXPECT_EQ(dialled_.size(), 12u);
  EXPECT_EQ(peak_, 4u);
}

TEST_F(CampaignDialerTest, CancellingDeletesCallsNotYetDialledAndLetsLiveOnesFinish) {
  const auto id = create("cancel", 6, {{"maxConcurrency", 3}});
  set_call(dialled_[0], "in-progress");
  store_->write_sync([&](storage::Session& s) {
    service_.update(s, campaigns_, "org-a", id, json::object{{"status", "cancelled"}});
  });
  settle();
  auto c = campaign(id);
  EXPECT_EQ(object_at(c, "calls")->size(), 1u) << "the two still scheduled are gone";
  store_->read_sync([&](storage::Session& s) {
    EXPECT_FALSE(s.resources().find(calls_.kind, "org-a", dialled_[1]));
  });
  set_call(dialled_[0], "ended");
  EXPECT_EQ(dialled_.size(), 3u) << "nothing more is dialled";
  c = campaign(id);
  EXPECT_EQ(string_at(c, "status"), "cancelled");
  const auto contacts = campaigns::contacts_of(c);
  EXPECT_EQ(string_at(contacts[0], "status"), "contact.completed");
  EXPECT_EQ(string_at(contacts[1], "status"), "contact.skipped");
}

TEST_F(CampaignDialerTest, ARestartDialsNobodyTwiceAndCountsEndsItMissed) {
  const auto id = create("restart", 5, {{"maxConcurrency", 2}});
  ASSERT_EQ(dialled_.size(), 2u);
  // Down: the dialer is gone while one call ends (as LiveCalls::recover would end it).
  dialer_.reset();
  settle();
  store_->write_sync([&](storage::Session& s) {
    auto call = service_.load(s, calls_, "org-a", dialled_[0]);
    call["status"] = "ended";
    call["endedReason"] = "call.in-progress.error-vapifault-worker-died";
    service_.replace_document(s, calls_, call);
  });
  live_.erase(dialled_[0]);
  dialer_ = make_dialer();
  dialer_->start();
  settle();
  EXPECT_EQ(dialled_.size(), 3u) << "one slot freed; the other claim still holds its slot";
  const auto contacts = campaigns::contacts_of(campaign(id));
  EXPECT_EQ(string_at(contacts[0], "status"), "contact.failed");
  EXPECT_EQ(string_at(contacts[0], "endedReason"), "call.in-progress.error-vapifault-worker-died");
  while (!live_.empty()) end_all();
  EXPECT_EQ(dialled_.size(), 5u);
  for (const auto& n : numbers_) EXPECT_EQ(numbers_.count(n), 1u) << n;
}

TEST_F(CampaignDialerTest, PredialDecidesWhoIsCalledAndHoldsASlotWhileItWaits) {
  const json::object server{{"url", "https://hooks.example.com/predial"}};
  const auto id = create(
      "predial", 4, {{"maxConcurrency", 2}, {"server", server}, {"predialPlan", json::object{}}});
  ASSERT_EQ(deliveries_.asked.size(), 2u) << "two slots, two offers";
  EXPECT_TRUE(dialled_.empty());
  const auto& first = deliveries_.asked[0];
  EXPECT_EQ(first.to.server, server);
  EXPECT_EQ(string_at(first.message, "type"), "campaign.predial");
  EXPECT_EQ(string_at(first.message, "campaignId"), id);
  const auto& contact = *object_at(first.message, "contact");
  EXPECT_EQ(string_at(contact, "campaignId"), id);
  EXPECT_EQ(string_at(contact, "orgId"), "org-a");
  EXPECT_EQ(string_at(contact, "number"), "+14155550001");
  auto answer = [&](std::size_t i, webhooks::Reply reply) {
    deliveries_.asked[i].done(std::move(reply));
    settle();
  };
  answer(0, {true, 200, json::object{{"eligible", true}}, ""});
  EXPECT_EQ(dialled_.size(), 1u);
  EXPECT_EQ(deliveries_.asked.size(), 2u) << "the dialled call holds the slot now";
  answer(1, {true, 200, json::object{{"eligible", false}}, ""});
  ASSERT_EQ(deliveries_.asked.size(), 3u) << "a skipped contact frees its slot";
  answer(2, {false, 0, nullptr, "timeout"});
  ASSERT_EQ(deliveries_.asked.size(), 4u);
  answer(3, {true, 200, json::object{{"eligible", "yes"}}, ""});
  end_all();
  const auto c = campaign(id);
  EXPECT_EQ(string_at(c, "status"), "ended");
  const auto contacts = campaigns::contacts_of(c);
  EXPECT_EQ(string_at(contacts[0], "status"), "contact.completed");
  EXPECT_EQ(string_at(contacts[1], "status"), "contact.skipped");
  EXPECT_FALSE(contacts[1].contains("callId"));
  EXPECT_EQ(string_at(contacts[2], "status"), "contact.predial-failed");
  EXPECT_EQ(string_at(contacts[2], "endedReason"), "campaign.predial.timeout");
  EXPECT_EQ(string_at(contacts[3], "endedReason"), "campaign.predial.invalid-response");
  EXPECT_EQ(dialled_.size(), 1u);
  EXPECT_EQ(int_at(c, "callsCounterEnded"), 1);
}

// Two instances on one PostgreSQL database: a store and a dialer each, their change feeds
// bridged as the LISTEN/NOTIFY listener bridges them, both running the same campaign. Their
// steps serialize on the campaign's row (a write session reads it FOR UPDATE), so each contact
// is claimed once and maxConcurrency holds across both. Each instance ends the calls it
// dialled, as the instance holding a call's media would.
TEST(CampaignDialerInstances, TwoInstancesOnOneDatabaseCallEachContactOnce) {
  test::BackendDatabase db{test::StoreBackend::kPostgres, "sb-campaign-instances"};
  SB_SKIP_UNLESS_AVAILABLE(db);
  const SecretBox secrets{SecretBox::generate_key_hex()};
  ManualClock clock{kStart};
  const resources::ResourceService service{secrets, clock};
  const auto call_kind = calls::call_spec();
  const auto campaign_kind = campaigns::campaign_spec();
  struct Instance {
    std::unique_ptr<storage::Store> store;
    boost::asio::io_context io;
    std::vector<std::string> live;  ///< dialled here, not ended
    std::size_t dialled = 0;
    std::unique_ptr<CampaignDialer> dialer;
    storage::ChangeFeed::Subscription bridge;
  };
  std::array<Instance, 2> instances;
  std::multiset<std::string> numbers;
  std::size_t in_flight = 0, peak = 0;
  for (auto& i : instances) {
    i.store = &i == &instances[0] ? db.open_with_org(2) : db.open(2);
    i.dialer = std::make_unique<CampaignDialer>(CampaignDialerDeps{
        *i.store, service, campaign_kind, call_kind, i.io.get_executor(), clock,
        [&, instance = &i](json::object call) {
          numbers.insert(std::string(string_at(*object_at(call, "customer"), "number")));
          instance->live.push_back(std::string(string_at(call, "id")));
          ++instance->dialled;
          peak = std::max(peak, ++in_flight);
        },
        100, nullptr});
  }
  // Each instance hears the other's commits, later and on a thread of its own as from the
  // listener's connection (here the test's, polling `bridge`); a forwarded change is not
  // forwarded back.
  boost::asio::io_context bridge;
  static thread_local bool forwarding = false;
  for (int k = 0; k < 2; ++k)
    instances[k].bridge = instances[k].store->changes().subscribe(
        [&bridge, other = &instances[1 - k]](const storage::ResourceChange& change) {
          if (forwarding) return;
          boost::asio::post(bridge, [other, change] {
            forwarding = true;
            other->store->changes().publish(change);
            forwarding = false;
          });
        });
  const auto settle = [&] {
    for (int round = 0; round < 200; ++round) {
      bridge.restart();
      std::size_t ran = bridge.poll();
      for (int k = 0; k < 2; ++k) {
        auto& i = instances[(round + k) % 2];
        i.io.restart();
        ran += i.io.poll();
        i.store->write_sync([](storage::Session&) {});
        i.io.restart();
        ran += i.io.poll();
      }
      bridge.restart();
      ran += bridge.poll();
      if (ran == 0) return;
    }
  };
  for (auto& i : instances) i.dialer->start();
  json::array customers;
  for (int n = 0; n < 20; ++n)
    customers.push_back(json::object{{"number", "+1" + std::to_string(4155550100 + n)}});
  instances[1].store->write_sync([&](storage::Session& s) {
    service.insert_document(s, campaign_kind,
                            json::object{{"id", "c-shared"},
                                         {"orgId", "org-a"},
                                         {"name", "shared"},
                                         {"status", "scheduled"},
                                         {"assistantId", "a-1"},
                                         {"phoneNumberId", "n-1"},
                                         {"maxConcurrency", 4},
                                         {"customers", std::move(customers)},
                                         {"calls", json::object{}},
                                         {"createdAt", format_iso8601(kStart)},
                                         {"updatedAt", format_iso8601(kStart)}});
  });
  settle();
  for (int turn = 0; turn < 100 && !(instances[0].live.empty() && instances[1].live.empty());
       ++turn) {
    for (auto& i : instances) {
      if (i.live.empty()) continue;
      const auto id = i.live.front();
      i.live.erase(i.live.begin());
      for (const char* status : {"in-progress", "ended"})
        i.store->write_sync([&](storage::Session& s) {
          auto call = service.load(s, call_kind, "org-a", id);
          call["status"] = status;
          if (std::string_view(status) == "ended") call["endedReason"] = "customer-ended-call";
          service.replace_document(s, call_kind, call);
        });
      --in_flight;
      settle();
    }
  }
  EXPECT_EQ(numbers.size(), 20u);
  for (const auto& n : numbers) EXPECT_EQ(numbers.count(n), 1u) << n << " called twice";
  EXPECT_LE(peak, 4u);
  // Which instance claims which contact is a race (both usually dial); the sum is not.
  EXPECT_EQ(instances[0].dialled + instances[1].dialled, 20u);
  json::object campaign;
  instances[0].store->read_sync(
      [&](storage::Session& s) { campaign = service.load(s, campaign_kind, "org-a", "c-shared"); });
  EXPECT_EQ(string_at(campaign, "status"), "ended");
  EXPECT_EQ(int_at(campaign, "callsCounterEnded"), 20);
}

}  // namespace
}  // namespace sb::voice
