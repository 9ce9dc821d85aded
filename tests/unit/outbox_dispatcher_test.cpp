#include "webhooks/outbox_dispatcher.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include <sqlite3.h>

#include "core/manual_clock.hpp"
#include "storage/org_repository.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_database.hpp"

namespace sb::webhooks {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::eventually;
using Done = std::function<void(net::OutboundResponse)>;

// A receiver in memory: records every request; answers at once with the status `answer`
// gives, or holds the exchange open (hold = true) until release().
class FakeServer {
 public:
  std::function<int(const net::OutboundRequest&)> answer = [](const auto&) { return 200; };
  bool hold = false;

  Transport transport() {
    return [this](net::OutboundRequest request, Done done) -> Cancel {
      std::unique_lock lock(mutex_);
      received_.push_back(request);
      if (hold) {
        held_.emplace_back(std::move(request), std::move(done));
        changed_.notify_all();
        return [] {};
      }
      const int status = answer(request);
      changed_.notify_all();
      lock.unlock();
      net::OutboundResponse response;
      if (status == 0)
        response.error = "timeout";
      else
        response.status = status;
      done(std::move(response));
      return [] {};
    };
  }

  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
  }
  std::vector<net::OutboundRequest> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  /// Answers the oldest held exchange with `status`.
  void release(int status = 200) {
    std::pair<net::OutboundRequest, Done> exchange;
    {
      std::lock_guard lock(mutex_);
      ASSERT_FALSE(held_.empty());
      exchange = std::move(held_.front());
      held_.erase(held_.begin());
    }
    net::OutboundResponse response;
    response.status = status;
    exchange.second(std::move(response));
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<net::OutboundRequest> received_;
  std::vector<std::pair<net::OutboundRequest, Done>> held_;
};

std::string header(const net::OutboundRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

json::object message_of(const net::OutboundRequest& r) {
  return json::parse(r.body).as_object().at("message").as_object();
}

class OutboxDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = db_.open_with_org(2); }
  void TearDown() override {
    dispatcher_.reset();
    store_.reset();
  }
  // On a manual clock: backoff waits only as long as the test advances it. Pruning and
  // polling are off unless asked, so the only wake-ups on the clock are the dispatcher's
  // backoff timer and, while an attempt is under way, its lease renewal.
  void start(DispatcherOptions options = no_pruning()) {
    dispatcher_ = std::make_unique<OutboxDispatcher>(
        *store_, server_.transport(), nullptr, metrics_, options, net::Placement{nullptr, &clock_});
    dispatcher_->start();
  }
  static DispatcherOptions no_pruning() {
    DispatcherOptions options;
    options.retention = 0ms;
    options.poll_interval = 0ms;
    return options;
  }
  // Once the dispatcher has armed its backoff timer (it does so on its own thread).
  bool timer_armed() {
    return eventually([&] { return clock_.pending() == 1; });
  }
  // Jumps the clock from wake-up to wake-up until `done` holds.
  template <class P>
  bool run_until(P done) {
    for (int step = 0; step < 50; ++step) {
      if (!eventually([&] { return done() || clock_.pending() > 0; })) return false;
      if (done()) return true;
      clock_.advance_to_next_wake();
    }
    return done();
  }
  std::string enqueue(const std::string& stream, std::string type,
                      const std::string& server = R"({"url":"http://receiver/hook"})") {
    std::string id;
    store_->write_sync([&](storage::Session& s) {
      id = dispatcher_->enqueue(s, {"org-a", json::parse(server).as_object()}, stream,
                                {{"type", std::move(type)}});
    });
    return id;
  }
  std::optional<storage::OutboxMessage> stored(const std::string& id) {
    std::optional<storage::OutboxMessage> m;
    store_->read_sync([&](storage::Session& s) { m = s.outbox().find_by_id(id); });
    return m;
  }
  bool settles_as(const std::string& id, storage::OutboxStatus status) {
    return eventually([&] {
      auto m = stored(id);
      return m && m->status == status;
    });
  }

  ManualClock clock_;
  test::TempDatabase db_{"sb-dispatch"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  FakeServer server_;
  WebhookMetrics metrics_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
};

TEST_F(OutboxDispatcherTest, SendsTheMessageWithItsHeadersOnceCommitted) {
  start();
  const auto id =
      enqueue("call-1", "status-update",
              R"({"url":"http://receiver/hook","headers":{"X-Team":"blue"},"timeoutSeconds":3})");
  ASSERT_TRUE(server_.wait_for(1));
  const auto r = server_.received().front();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://receiver/hook");
  EXPECT_EQ(r.timeout, 3000ms);
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  EXPECT_EQ(header(r, kMessageIdHeader), id);
  EXPECT_EQ(header(r, "X-Team"), "blue");
  const auto message = message_of(r);
  EXPECT_EQ(message.at("type").as_string(), "status-update");
  EXPECT_TRUE(message.at("timestamp").is_int64());
  EXPECT_TRUE(settles_as(id, storage::OutboxStatus::kDelivered));
  EXPECT_TRUE(eventually([&] { return metrics_.delivered.load() == 1; }));
  EXPECT_EQ(metrics_.enqueued.load(), 1u);
  EXPECT_EQ(metrics_.pending.load(), 0);
}

TEST_F(OutboxDispatcherTest, NothingIsSentForAJobThatRollsBack) {
  start();
  EXPECT_THROW(store_->write_sync([&](storage::Session& s) {
    dispatcher_->enqueue(s, {"org-a", {{"url", "http://receiver/hook"}}}, "s", {{"type", "x"}});
    throw std::runtime_error("the change failed");
  }),
               std::runtime_error);
  enqueue("s", "after");
  ASSERT_TRUE(server_.wait_for(1));
  std::this_thread::sleep_for(50ms);
  ASSERT_EQ(server_.received().size(), 1u);
  EXPECT_EQ(message_of(server_.received()[0]).at("type").as_string(), "after");
}

TEST_F(OutboxDispatcherTest, AStreamGoesOneAtATimeInOrderWhileStreamsRunInParallel) {
  server_.hold = true;
  start();
  enqueue("a", "a1");
  enqueue("a", "a2");
  enqueue("b", "b1");
  ASSERT_TRUE(server_.wait_for(2));
  std::this_thread::sleep_for(50ms);
  // a1 and b1 are on the wire; a2 waits for a1.
  auto types = [&] {
    std::vector<std::string> t;
    for (const auto& r : server_.received()) t.emplace_back(message_of(r).at("type").as_string());
    return t;
  };
  EXPECT_EQ(types(), (std::vector<std::string>{"a1", "b1"}));
  server_.release(500);  // a1 fails: with no backoff plan it is dead, and a2 may go
  ASSERT_TRUE(server_.wait_for(3));
  EXPECT_EQ(types().back(), "a2");
  server_.release();
  server_.release();
  EXPECT_TRUE(eventually([&] { return metrics_.delivered.load() == 2; }));
  EXPECT_EQ(metrics_.dead.load(), 1u);
}

TEST_F(OutboxDispatcherTest, RetriesByTheFixedPlanThenDelivers) {
  int calls = 0;
  server_.answer = [&](const auto&) { return ++calls < 3 ? 503 : 200; };
  start();
  const EpochMs enqueued_at = clock_.wall_ms();
  const auto id = enqueue("s", "x",
                          R"({"url":"http://r","backoffPlan":{"type":"fixed","maxRetries":3,
                              "baseDelaySeconds":0.2}})");
  ASSERT_TRUE(server_.wait_for(1));
  ASSERT_TRUE(timer_armed());
  // The attempt's record (a write job of its own) stores the due time, for a restart.
  EXPECT_TRUE(eventually([&] { return stored(id)->next_attempt_at == enqueued_at + 200; }));
  clock_.advance(199ms);
  EXPECT_EQ(clock_.pending(), 1u);  // not yet due: the timer did not fire
  EXPECT_EQ(server_.received().size(), 1u);
  clock_.advance(1ms);
  ASSERT_TRUE(server_.wait_for(2));
  ASSERT_TRUE(timer_armed());
  EXPECT_TRUE(eventually([&] { return stored(id)->next_attempt_at == enqueued_at + 400; }));
  clock_.advance(200ms);
  ASSERT_TRUE(server_.wait_for(3));
  ASSERT_TRUE(settles_as(id, storage::OutboxStatus::kDelivered));
  const auto requests = server_.received();
  EXPECT_EQ(header(requests[0], kMessageIdHeader), header(requests[2], kMessageIdHeader));
  EXPECT_EQ(requests[0].body, requests[2].body);  // the same message, timestamp included
  store_->read_sync([&](storage::Session& s) {
    const auto attempts = s.outbox().attempts_of(stored(id)->seq);
    ASSERT_EQ(attempts.size(), 3u);
    EXPECT_EQ(attempts[0].status_code, 503);
    EXPECT_EQ(attempts[0].error, "status 503");
    EXPECT_EQ(attempts[2].status_code, 200);
  });
  EXPECT_EQ(metrics_.attempts_failed.load(), 2u);
}

TEST_F(OutboxDispatcherTest, IsDeadWhenThePlanIsExhaustedOrTheStatusExcluded) {
  server_.answer = [](const net::OutboundRequest& r) { return r.url == "http://gone" ? 404 : 0; };
  start();
  const auto timeouts = enqueue("s1", "x",
                                R"({"url":"http://slow","backoffPlan":{"type":"exponential",
                                    "maxRetries":2,"baseDelaySeconds":0.01}})");
  const auto excluded = enqueue("s2", "y",
                                R"({"url":"http://gone","backoffPlan":{"type":"fixed",
                                    "maxRetries":5,"baseDelaySeconds":0.01,
                                    "excludedStatusCodes":[404]}})");
  ASSERT_TRUE(run_until([&] {
    const auto a = stored(timeouts), b = stored(excluded);
    return a && b && a->status == storage::OutboxStatus::kDead &&
           b->status == storage::OutboxStatus::kDead;
  }));
  EXPECT_EQ(stored(timeouts)->attempts, 3);
  EXPECT_EQ(stored(timeouts)->last_error, "timeout");
  EXPECT_EQ(stored(excluded)->attempts, 1);
  EXPECT_EQ(metrics_.dead.load(), 2u);
  EXPECT_EQ(metrics_.pending.load(), 0);
}

// What a PostgreSQL writer undone again and again by other instances' deadlocks sees: the
// attempt went out, its record does not commit. The record is written again (on the clock),
// the message kept leased meanwhile: it is not sent a second time.
TEST_F(OutboxDispatcherTest, AnAttemptWhoseRecordFailsIsWrittenAgainNotSentAgain) {
  server_.hold = true;
  start();
  const auto id = enqueue("call-1", "status-update");
  ASSERT_TRUE(server_.wait_for(1));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.path().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  auto exec = [&](const char* sql) {
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  };
  exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON webhook_attempts "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END");
  server_.release(200);
  ASSERT_TRUE(timer_armed()) << "the record waits to be written again";
  EXPECT_EQ(stored(id)->status, storage::OutboxStatus::kPending);
  exec("DROP TRIGGER refuse");
  sqlite3_close(db);
  clock_.advance_to_next_wake();
  EXPECT_TRUE(settles_as(id, storage::OutboxStatus::kDelivered));
  EXPECT_EQ(server_.received().size(), 1u);
}

TEST_F(OutboxDispatcherTest, ARestartDeliversWhatWasPendingWithTheSameId) {
  server_.answer = [](const auto&) { return 500; };
  start();
  const auto id = enqueue("s", "x",
                          R"({"url":"http://r","backoffPlan":{"type":"fixed","maxRetries":5,
                              "baseDelaySeconds":0.3}})");
  ASSERT_TRUE(server_.wait_for(1));
  ASSERT_TRUE(eventually([&] { return stored(id)->attempts == 1; }));
  const auto due = stored(id)->next_attempt_at;
  dispatcher_.reset();  // stopped mid-backoff
  EXPECT_EQ(clock_.pending(), 0u);
  server_.answer = [](const auto&) { return 200; };
  start();
  EXPECT_EQ(metrics_.pending.load(), 1);
  // Loaded, and waiting for its stored next-attempt time rather than sent at once.
  ASSERT_TRUE(timer_armed());
  EXPECT_EQ(server_.received().size(), 1u);
  clock_.advance(std::chrono::milliseconds(due - clock_.wall_ms()));
  ASSERT_TRUE(server_.wait_for(2));
  EXPECT_EQ(header(server_.received()[1], kMessageIdHeader), id);
  EXPECT_TRUE(settles_as(id, storage::OutboxStatus::kDelivered));
  EXPECT_EQ(stored(id)->attempts, 2);
}

// A run killed mid-delivery leaves its leases; a restart under its name (the data dir's
// instance-id) takes them back at once rather than waiting for them to lapse.
TEST_F(OutboxDispatcherTest, ARestartUnderTheSameNameTakesBackWhatItsKilledRunHeld) {
  storage::OutboxMessage m;
  m.id = "held";
  m.org_id = "org-a";
  m.stream = "s";
  m.server = R"({"url":"http://r"})";
  m.body = R"({"message":{"type":"x"}})";
  m.next_attempt_at = clock_.wall_ms();
  m.created_at = clock_.wall_ms();
  store_->write_sync([&](storage::Session& s) {
    s.outbox().insert(m);
    ASSERT_EQ(s.outbox().claim("one", clock_.wall_ms(), clock_.wall_ms() + 30'000, 10).size(), 1u);
  });
  auto options = no_pruning();
  options.instance = "one";
  start(options);
  ASSERT_TRUE(server_.wait_for(1));
  EXPECT_EQ(header(server_.received()[0], kMessageIdHeader), "held");
  EXPECT_TRUE(settles_as("held", storage::OutboxStatus::kDelivered));
}

TEST_F(OutboxDispatcherTest, OrderHoldsWhenThereAreFewerSlotsThanStreams) {
  server_.hold = true;
  auto options = no_pruning();
  options.max_in_flight = 1;
  start(options);
  for (int i = 0; i < 12; ++i) enqueue(i % 2 ? "odd" : "even", std::to_string(i));
  std::vector<std::string> seen;
  while (seen.size() < 12) {
    ASSERT_TRUE(eventually([&] { return server_.held() > 0; })) << seen.size();
    seen.emplace_back(message_of(server_.received()[seen.size()]).at("type").as_string());
    server_.release();
  }
  std::vector<int> even, odd;
  for (const auto& t : seen) (std::stoi(t) % 2 ? odd : even).push_back(std::stoi(t));
  EXPECT_EQ(even, (std::vector<int>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(odd, (std::vector<int>{1, 3, 5, 7, 9, 11}));
  EXPECT_TRUE(eventually([&] { return metrics_.pending.load() == 0; }));
}

TEST_F(OutboxDispatcherTest, RequestAnswersWithTheParsedReplyWithinTheDeadline) {
  start();
  server_.answer = [](const auto&) { return 200; };
  std::promise<Reply> got;
  dispatcher_->request({"org-a", {{"url", "http://r"}, {"timeoutSeconds", 20}}},
                       {{"type", "assistant-request"}}, 1500ms,
                       [&](Reply r) { got.set_value(std::move(r)); });
  const auto reply = got.get_future().get();
  EXPECT_TRUE(reply.ok);  // an empty body is a valid answer
  const auto r = server_.received().front();
  EXPECT_EQ(r.timeout, 1500ms);
  EXPECT_EQ(message_of(r).at("type").as_string(), "assistant-request");
  EXPECT_FALSE(header(r, kMessageIdHeader).empty());
}

}  // namespace
}  // namespace sb::webhooks
