// The dispatcher's retention: delivered messages are deleted once old enough, batch after
// batch, and counted; dead ones stay.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>

#include "core/manual_clock.hpp"
#include "storage/org_repository.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_database.hpp"
#include "webhooks/outbox_dispatcher.hpp"

namespace sb::webhooks {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::eventually;

class OutboxPruningTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = db_.open_with_org(1); }
  void TearDown() override {
    dispatcher_.reset();
    store_.reset();
  }
  // A receiver answering 200, or 400 (not retried: the message dies) to a "reject" message.
  void start(DispatcherOptions options) {
    options.poll_interval = std::chrono::milliseconds(0);  // the only timer: pruning's
    Transport transport = [](net::OutboundRequest request,
                             std::function<void(net::OutboundResponse)> done) -> Cancel {
      net::OutboundResponse response;
      response.status = request.body.find("reject") != std::string::npos ? 400 : 200;
      done(std::move(response));
      return [] {};
    };
    dispatcher_ =
        std::make_unique<OutboxDispatcher>(*store_, std::move(transport), nullptr, metrics_,
                                           options, net::Placement{nullptr, &clock_});
    dispatcher_->start();
  }
  std::string enqueue(std::string type) {
    std::string id;
    store_->write_sync([&](storage::Session& s) {
      id = dispatcher_->enqueue(s, {"org-a", {{"url", "http://receiver/hook"}}}, "",
                                {{"type", std::move(type)}});
    });
    return id;
  }
  std::optional<storage::OutboxMessage> stored(const std::string& id) {
    std::optional<storage::OutboxMessage> m;
    store_->read_sync([&](storage::Session& s) { m = s.outbox().find_by_id(id); });
    return m;
  }

  // Once the pruning timer is armed again (after start, or after a tick's job came back).
  bool tick_armed() {
    return eventually([&] { return clock_.pending() == 1; });
  }

  ManualClock clock_;
  test::TempDatabase db_{"sb-prune"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  WebhookMetrics metrics_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
};

TEST_F(OutboxPruningTest, OldDeliveredMessagesGoBatchAfterBatchAndDeadOnesStay) {
  DispatcherOptions options;
  options.retention = 1ms;
  options.prune_interval = 200ms;
  options.prune_batch = 2;  // five messages: three jobs, the last two without waiting a tick
  start(options);
  std::vector<std::string> delivered;
  for (int i = 0; i < 5; ++i) delivered.push_back(enqueue("status-update"));
  const auto dead = enqueue("reject");
  ASSERT_TRUE(eventually([&] { return metrics_.delivered.load() == 5 && metrics_.dead == 1; }));
  ASSERT_TRUE(tick_armed());
  clock_.advance(199ms);
  EXPECT_EQ(metrics_.pruned.load(), 0u);  // no tick yet
  clock_.advance(1ms);                    // one tick: every batch goes, one job after another
  ASSERT_TRUE(eventually([&] { return metrics_.pruned.load() == 5; }));
  for (const auto& id : delivered) EXPECT_FALSE(stored(id)) << id;
  const auto kept = stored(dead);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->status, storage::OutboxStatus::kDead);
  EXPECT_NE(metrics_.render().find("switchboard_webhook_messages_pruned_total 5\n"),
            std::string::npos);
}

TEST_F(OutboxPruningTest, RecentDeliveriesAndAZeroRetentionKeepEverything) {
  DispatcherOptions options;
  options.retention = 1h;
  options.prune_interval = 20ms;
  start(options);
  const auto id = enqueue("status-update");
  ASSERT_TRUE(eventually([&] { return metrics_.delivered.load() == 1; }));
  for (int tick = 0; tick < 5; ++tick) {  // each tick's job comes back before the next
    ASSERT_TRUE(tick_armed()) << tick;
    clock_.advance(20ms);
  }
  ASSERT_TRUE(tick_armed());
  EXPECT_TRUE(stored(id));
  EXPECT_EQ(metrics_.pruned.load(), 0u);
  clock_.advance(1h);  // now it is old enough, at the latest by the next tick
  ASSERT_TRUE(tick_armed());
  clock_.advance(20ms);
  ASSERT_TRUE(eventually([&] { return metrics_.pruned.load() == 1; }));
  EXPECT_FALSE(stored(id));

  dispatcher_.reset();
  options.retention = 0ms;  // forever: no pruning timer at all
  start(options);
  const auto kept = enqueue("status-update");
  ASSERT_TRUE(eventually([&] { return metrics_.delivered.load() == 2; }));
  EXPECT_EQ(clock_.pending(), 0u);
  clock_.advance(24h * 365);
  EXPECT_TRUE(stored(kept));
}

}  // namespace
}  // namespace sb::webhooks
