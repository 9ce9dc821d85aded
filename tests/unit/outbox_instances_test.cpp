// Two instances' dispatchers on one PostgreSQL database (two stores on one schema): each
// message is delivered once, each stream in order, and a dead instance's messages are taken
// over once its leases lapse.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "core/manual_clock.hpp"
#include "storage/outbox_repository.hpp"
#include "store_backend.hpp"
#include "temp_database.hpp"
#include "webhooks/outbox_dispatcher.hpp"

namespace sb::webhooks {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Done = std::function<void(net::OutboundResponse)>;
using test::eventually;

// A receiver shared by the instances: records (instance, message type) in arrival order;
// answers 200 at once, or never for an instance told to hang (as a dead one would).
class Receiver {
 public:
  Transport transport(std::string instance, bool hang = false) {
    return [this, instance, hang](net::OutboundRequest request, Done done) -> Cancel {
      const auto type = std::string(json::parse(request.body).at("message").at("type").as_string());
      {
        std::lock_guard lock(mutex_);
        got_.emplace_back(instance, type);
        if (hang) {
          hung_.push_back(std::move(done));
          return [] {};
        }
      }
      net::OutboundResponse response;
      response.status = 200;
      done(std::move(response));
      return [] {};
    };
  }
  std::vector<std::pair<std::string, std::string>> got() {
    std::lock_guard lock(mutex_);
    return got_;
  }
  /// Answers 200 to what a hanging instance was sent.
  void answer_hung() {
    std::vector<Done> hung;
    {
      std::lock_guard lock(mutex_);
      hung.swap(hung_);
    }
    for (auto& done : hung) {
      net::OutboundResponse response;
      response.status = 200;
      done(std::move(response));
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> got_;
  std::vector<Done> hung_;
};

class OutboxInstancesDispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    stores_[0] = db_.open_with_org(1);
    stores_[1] = db_.open(1);
  }
  void TearDown() override {
    for (auto& d : dispatchers_) d.reset();
    for (auto& s : stores_) s.reset();
  }
  void start(int i, Transport transport, DispatcherOptions options, const Clock* clock) {
    options.instance = i == 0 ? "one" : "two";
    options.retention = 0ms;
    dispatchers_[i] =
        std::make_unique<OutboxDispatcher>(*stores_[i], std::move(transport), nullptr, metrics_[i],
                                           options, net::Placement{nullptr, clock});
    dispatchers_[i]->start();
  }
  void enqueue(int i, const std::string& stream, const std::string& type) {
    stores_[i]->write_sync([&](storage::Session& s) {
      dispatchers_[i]->enqueue(s, {"org-a", {{"url", "http://receiver/hook"}}}, stream,
                               {{"type", type}});
    });
  }
  std::int64_t pending() {
    std::int64_t n = 0;
    stores_[0]->read_sync([&](storage::Session& s) { n = s.outbox().pending_count(); });
    return n;
  }

  test::BackendDatabase db_{test::StoreBackend::kPostgres, "sb-dispatch-instances"};
  ManualClock frozen_;  // instance one's when it plays dead: never advanced, so never renews
  ManualClock clock_;   // instance two's
  std::unique_ptr<storage::Store> stores_[2];
  WebhookMetrics metrics_[2];
  std::unique_ptr<OutboxDispatcher> dispatchers_[2];
  Receiver receiver_;
};

TEST_F(OutboxInstancesDispatchTest, EveryMessageGoesOnceAndEachStreamInOrder) {
  DispatcherOptions options;
  options.poll_interval = 20ms;  // each instance also takes what the other enqueued
  start(0, receiver_.transport("one"), options, nullptr);
  start(1, receiver_.transport("two"), options, nullptr);
  constexpr int kStreams = 8;
  constexpr int kPerStream = 15;
  for (int n = 0; n < kPerStream; ++n)
    for (int k = 0; k < kStreams; ++k)  // a stream's messages come from either instance
      enqueue((n + k) % 2, "call-" + std::to_string(k),
              std::to_string(k) + ":" + std::to_string(n));
  ASSERT_TRUE(eventually([&] { return pending() == 0; }, 20s));
  const auto got = receiver_.got();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kStreams * kPerStream));
  std::map<int, int> next;  // per stream, the message expected next
  std::map<std::string, int> by;
  for (const auto& [instance, type] : got) {
    const int k = std::stoi(type.substr(0, type.find(':')));
    EXPECT_EQ(std::stoi(type.substr(type.find(':') + 1)), next[k]++) << type;
    ++by[instance];
  }
  EXPECT_GT(by["one"], 0);
  EXPECT_GT(by["two"], 0);
  EXPECT_EQ(metrics_[0].delivered.load() + metrics_[1].delivered.load(), got.size());
}

TEST_F(OutboxInstancesDispatchTest, ADeadInstancesMessagesAreTakenOverWhenItsLeasesLapse) {
  DispatcherOptions options;
  options.poll_interval = 1000ms;
  start(0, receiver_.transport("one", true), options, &frozen_);
  enqueue(0, "s", "s1");
  enqueue(0, "s", "s2");
  enqueue(0, "t", "t1");
  ASSERT_TRUE(eventually([&] { return receiver_.got().size() == 2; }));  // s1, t1 hang
  start(1, receiver_.transport("two"), options, &clock_);
  clock_.advance(29s);  // polls all along; the leases hold
  EXPECT_EQ(receiver_.got().size(), 2u);
  clock_.advance(2s);  // lapsed: two sends s1 and t1 again, then s2
  ASSERT_TRUE(eventually([&] { return pending() == 0; }));
  auto got = receiver_.got();
  ASSERT_EQ(got.size(), 5u);
  const std::vector<std::pair<std::string, std::string>> tail(got.begin() + 2, got.end());
  EXPECT_EQ(tail[2], (std::pair<std::string, std::string>{"two", "s2"})) << "s2 after s1";
  // One's late answers change nothing: two's attempts are the recorded ones.
  receiver_.answer_hung();
  ASSERT_TRUE(eventually([&] { return metrics_[0].delivered.load() == 2; }));
  // Its refused records were posted before its counter moved; a write after them commits
  // after them.
  stores_[0]->write_sync([](storage::Session&) {});
  std::vector<storage::OutboxAttempt> attempts;
  stores_[0]->read_sync([&](storage::Session& s) {
    for (std::int64_t seq = 1; seq <= 3; ++seq)
      for (auto& a : s.outbox().attempts_of(seq)) attempts.push_back(a);
  });
  EXPECT_EQ(attempts.size(), 3u);
}

}  // namespace
}  // namespace sb::webhooks
