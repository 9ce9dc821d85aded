#include "webhooks/outbox_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>
#include <deque>
#include <future>
#include <limits>
#include <map>
#include <unordered_map>

#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "net/timer.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/store.hpp"

namespace sb::webhooks {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using storage::OutboxMessage;
using storage::OutboxStatus;

constexpr EpochMs kNever = std::numeric_limits<EpochMs>::max();

// A pending message held in memory.
struct Entry {
  std::int64_t seq = 0;
  std::string id;
  std::string org_id;
  std::string body;
  ServerPlan plan;
  int attempts = 0;
  EpochMs next_attempt_at = 0;
  EpochMs created_at = 0;
};

Entry entry_of(OutboxMessage m) {
  Entry e;
  e.seq = m.seq;
  e.id = std::move(m.id);
  e.org_id = std::move(m.org_id);
  e.body = std::move(m.body);
  boost::system::error_code ec;
  auto server = json::parse(m.server, ec);
  if (!ec && server.is_object()) e.plan = parse_server(server.get_object());
  e.attempts = m.attempts;
  e.next_attempt_at = m.next_attempt_at;
  e.created_at = m.created_at;
  return e;
}

// Messages without a stream are ordered with nothing: each is a stream of its own.
std::string stream_key(const OutboxMessage& m) {
  if (m.stream.empty()) return "#" + std::to_string(m.seq);
  return m.org_id + '\n' + m.stream;
}

}  // namespace

// All state below `strand` is touched only on that strand. Callbacks from other threads
// (commits, the transport, the store) hold a weak_ptr and post onto it; so does a posted step,
// which does nothing once the dispatcher is gone (a shared context outlives it).
struct OutboxDispatcher::Core : std::enable_shared_from_this<Core> {
  Core(storage::Store& s, Transport t, Signer g, WebhookMetrics& m, DispatcherOptions o,
       net::Placement p)
      : store(s),
        transport(std::move(t)),
        signer(std::move(g)),
        metrics(m),
        options(o),
        clock(p.clock_or_system()),
        own_io(p.io ? nullptr : std::make_unique<net::IoThreads>("webhooks", 1)),
        strand(asio::make_strand(p.io ? *p.io : own_io->context())),
        timer(strand, clock),
        prune_timer(strand, clock) {}

  void committed(OutboxMessage message);  // on the writer thread, after COMMIT
  void accept(OutboxMessage message, bool loaded);
  void load();
  void loaded(std::vector<OutboxMessage> rows, std::size_t asked);
  void maybe_load();
  void schedule(const std::string& key);
  void arm_timer();
  void on_timer();
  void pump();
  void attempt(const std::string& key);
  void finished(const std::string& key, net::OutboundResponse response);
  void record(const Entry& e, const net::OutboundResponse& r, OutboxStatus outcome, EpochMs now,
              const std::string& error);
  void arm_pruning();
  void prune();
  void pruned(std::size_t count, bool failed);
  template <class F>
  void post(F&& fn) {
    asio::post(strand, [weak = weak_from_this(), fn = std::forward<F>(fn)]() mutable {
      if (auto self = weak.lock()) fn();
    });
  }

  storage::Store& store;
  Transport transport;
  Signer signer;
  WebhookMetrics& metrics;
  DispatcherOptions options;

  const Clock& clock;
  std::unique_ptr<net::IoThreads> own_io;  // when the placement gave none; outlives the timers
  asio::strand<asio::io_context::executor_type> strand;
  net::Timer timer;
  net::Timer prune_timer;
  bool started = false;

  std::unordered_map<std::string, std::deque<Entry>> streams;
  std::multimap<EpochMs, std::string> waiting;  // heads waiting for their time, by due time
  std::deque<std::string> ready;                // streams whose head is due, waiting for a slot
  EpochMs timer_at = kNever;
  std::size_t in_memory = 0;
  std::size_t in_flight = 0;
  // Memory holds every pending message with seq <= loaded_through, unless `behind`: then
  // the database also has pending messages after it (not yet loaded, or dropped for lack of
  // room), the highest of which is at most `highest_dropped` or was committed after it.
  std::int64_t loaded_through = 0;
  bool behind = true;
  std::int64_t highest_dropped = 0;
  bool loading = false;
  bool stopping = false;
};

void OutboxDispatcher::Core::committed(OutboxMessage message) {
  metrics.enqueued.fetch_add(1, std::memory_order_relaxed);
  metrics.pending.fetch_add(1, std::memory_order_relaxed);
  post([this, m = std::move(message)]() mutable { accept(std::move(m), false); });
}

void OutboxDispatcher::Core::accept(OutboxMessage message, bool loaded) {
  if (!loaded && (behind || in_memory >= options.max_in_memory)) {
    // Older pending messages may still be in the database: this one waits there for them.
    behind = true;
    highest_dropped = std::max(highest_dropped, message.seq);
    return;
  }
  loaded_through = std::max(loaded_through, message.seq);
  const std::string key = stream_key(message);
  auto& queue = streams[key];
  queue.push_back(entry_of(std::move(message)));
  ++in_memory;
  if (queue.size() == 1) schedule(key);
}

void OutboxDispatcher::Core::load() {
  if (loading || stopping || in_memory >= options.max_in_memory) return;
  loading = true;
  const std::size_t limit = std::min(options.load_batch, options.max_in_memory - in_memory);
  store.post_read([weak = weak_from_this(), after = loaded_through, limit](storage::Session& s) {
    auto rows = s.outbox().pending_after(after, limit);
    if (auto core = weak.lock())
      core->post([c = core.get(), rows = std::move(rows), limit]() mutable {
        c->loaded(std::move(rows), limit);
      });
  });
}

void OutboxDispatcher::Core::loaded(std::vector<OutboxMessage> rows, std::size_t asked) {
  loading = false;
  const bool drained = rows.size() < asked;
  for (auto& row : rows) accept(std::move(row), true);
  // Drained: every message committed before the read is in memory; one committed since was
  // either accepted or dropped, and a dropped one after loaded_through means read again.
  if (drained && highest_dropped <= loaded_through)
    behind = false;
  else
    maybe_load();
}

void OutboxDispatcher::Core::maybe_load() {
  if (behind && in_memory <= options.max_in_memory / 2) load();
}

void OutboxDispatcher::Core::schedule(const std::string& key) {
  const auto& head = streams.at(key).front();
  if (head.next_attempt_at <= clock.wall_ms()) {
    ready.push_back(key);
    pump();
    return;
  }
  waiting.emplace(head.next_attempt_at, key);
  arm_timer();
}

void OutboxDispatcher::Core::arm_timer() {
  if (waiting.empty() || stopping) return;
  const EpochMs earliest = waiting.begin()->first;
  if (earliest == timer_at) return;
  timer_at = earliest;
  timer.arm_after(std::chrono::milliseconds(std::max<EpochMs>(0, earliest - clock.wall_ms())),
                  [this] { on_timer(); });
}

void OutboxDispatcher::Core::on_timer() {
  timer_at = kNever;
  const EpochMs now = clock.wall_ms();
  while (!waiting.empty() && waiting.begin()->first <= now) {
    ready.push_back(std::move(waiting.begin()->second));
    waiting.erase(waiting.begin());
  }
  arm_timer();
  pump();
}

void OutboxDispatcher::Core::pump() {
  while (!stopping && in_flight < options.max_in_flight && !ready.empty()) {
    std::string key = std::move(ready.front());
    ready.pop_front();
    attempt(key);
  }
}

void OutboxDispatcher::Core::attempt(const std::string& key) {
  const Entry& head = streams.at(key).front();
  ++in_flight;
  metrics.in_flight.fetch_add(1, std::memory_order_relaxed);
  auto request = outbound_request(head.plan, head.body, head.id);
  sign_and_send(transport, signer, head.org_id, head.plan, std::move(request),
                [weak = weak_from_this(), key](net::OutboundResponse response) {
                  if (auto core = weak.lock())
                    core->post([c = core.get(), key, r = std::move(response)]() mutable {
                      c->finished(key, std::move(r));
                    });
                });
}

void OutboxDispatcher::Core::finished(const std::string& key, net::OutboundResponse response) {
  --in_flight;
  metrics.in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (stopping) return;  // unrecorded: the message stays pending for the next start
  auto& queue = streams.at(key);
  Entry& head = queue.front();
  ++head.attempts;
  const int status = response.error.empty() ? response.status : 0;
  const auto decision = decide(head.plan.backoff, head.attempts, status);
  const EpochMs now = clock.wall_ms();
  const std::string error = failure_of(response);
  using Verdict = Decision::Verdict;
  if (decision.verdict != Verdict::kDelivered)
    metrics.attempts_failed.fetch_add(1, std::memory_order_relaxed);
  if (decision.verdict == Verdict::kRetry) {
    head.next_attempt_at = now + decision.delay.count();
    record(head, response, OutboxStatus::kPending, now, error);
    schedule(key);
    pump();
    return;
  }
  if (decision.verdict == Verdict::kDelivered) {
    metrics.delivered.fetch_add(1, std::memory_order_relaxed);
    metrics.observe_delivery(std::chrono::milliseconds(now - head.created_at));
    record(head, response, OutboxStatus::kDelivered, now, error);
  } else {
    metrics.dead.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("webhook message {} to {} is dead after {} attempt(s): {}", head.id, head.plan.url,
                 head.attempts, error);
    record(head, response, OutboxStatus::kDead, now, error);
  }
  metrics.pending.fetch_sub(1, std::memory_order_relaxed);
  queue.pop_front();
  --in_memory;
  if (queue.empty())
    streams.erase(key);
  else
    schedule(key);
  maybe_load();
  pump();
}

// Recorded by a write job of its own, after the exchange: no transaction is open while a
// message is on the wire. Jobs commit in the order they are posted, so a stream's records do.
void OutboxDispatcher::Core::record(const Entry& e, const net::OutboundResponse& r,
                                    OutboxStatus outcome, EpochMs now, const std::string& error) {
  storage::OutboxAttempt a;
  a.seq = e.seq;
  a.attempt = e.attempts;
  a.at = now;
  a.status_code = r.error.empty() ? r.status : 0;
  a.latency_us = r.latency.count();
  a.error = error;
  a.outcome = outcome;
  a.next_attempt_at = e.next_attempt_at;
  store.post_write([a](storage::Session& s) { s.outbox().record_attempt(a); },
                   [seq = e.seq](std::exception_ptr failed) {
                     if (!failed) return;
                     try {
                       std::rethrow_exception(failed);
                     } catch (const std::exception& x) {
                       spdlog::error("recording webhook attempt of message {}: {}", seq, x.what());
                     }
                   });
}

void OutboxDispatcher::Core::arm_pruning() {
  if (stopping || options.retention.count() <= 0) return;
  prune_timer.arm_after(options.prune_interval, [this] { prune(); });
}

// One bounded write job; its outcome comes back to this thread (pruned()), so at most one
// pruning job is ever queued.
void OutboxDispatcher::Core::prune() {
  if (stopping) return;
  const EpochMs before = clock.wall_ms() - options.retention.count();
  const std::size_t limit = options.prune_batch;
  auto count = std::make_shared<std::size_t>(0);
  store.post_write(
      [before, limit, count](storage::Session& s) {
        *count = s.outbox().prune_delivered(before, limit);
      },
      [weak = weak_from_this(), count](std::exception_ptr failed) {
        if (failed) {
          try {
            std::rethrow_exception(failed);
          } catch (const std::exception& x) {
            spdlog::error("pruning delivered webhook messages: {}", x.what());
          }
        }
        if (auto core = weak.lock())
          core->post([c = core.get(), n = *count, f = bool(failed)] { c->pruned(n, f); });
      });
}

void OutboxDispatcher::Core::pruned(std::size_t count, bool failed) {
  if (!failed) metrics.pruned.fetch_add(count, std::memory_order_relaxed);
  if (!failed && count >= options.prune_batch)
    prune();  // a backlog: the next batch now, after the writer has served others
  else
    arm_pruning();
}

OutboxDispatcher::OutboxDispatcher(storage::Store& store, Transport transport, Signer signer,
                                   WebhookMetrics& metrics, DispatcherOptions options,
                                   net::Placement placement)
    : core_(std::make_shared<Core>(store, std::move(transport), std::move(signer), metrics, options,
                                   placement)) {}

OutboxDispatcher::~OutboxDispatcher() {
  stop();
}

void OutboxDispatcher::start() {
  std::int64_t pending = 0;
  core_->store.read_sync([&](storage::Session& s) { pending = s.outbox().pending_count(); });
  core_->metrics.pending.store(pending, std::memory_order_relaxed);
  core_->started = true;
  if (core_->own_io) core_->own_io->start();
  core_->post([core = core_.get()] {
    core->load();
    core->arm_pruning();
  });
}

void OutboxDispatcher::stop() {
  auto* core = core_.get();
  if (!core->started) return;
  core->started = false;
  std::promise<void> stopped;
  core->post([core, &stopped] {
    core->stopping = true;
    core->timer.cancel();
    core->prune_timer.cancel();
    stopped.set_value();
  });
  stopped.get_future().wait();
  if (core->own_io) core->own_io->stop();
}

std::string OutboxDispatcher::enqueue(storage::Session& session, const Destination& to,
                                      std::string_view stream, json::object message) {
  OutboxMessage m;
  m.id = new_uuid();
  m.org_id = to.org_id;
  m.stream = std::string(stream);
  m.server = json_text(to.server);
  const EpochMs now = core_->clock.wall_ms();
  m.body = message_body(std::move(message), now);
  m.next_attempt_at = now;
  m.created_at = now;
  m.seq = session.outbox().insert(m);
  std::string id = m.id;
  session.after_commit([weak = std::weak_ptr<Core>(core_), m = std::move(m)]() mutable {
    if (auto core = weak.lock()) core->committed(std::move(m));
  });
  return id;
}

Cancel OutboxDispatcher::request(Destination to, json::object message,
                                 std::chrono::milliseconds deadline,
                                 std::function<void(Reply)> done) {
  auto plan = parse_server(to.server);
  plan.timeout = std::min(plan.timeout, deadline);
  auto request =
      outbound_request(plan, message_body(std::move(message), core_->clock.wall_ms()), new_uuid());
  core_->metrics.requests.fetch_add(1, std::memory_order_relaxed);
  return sign_and_send(
      core_->transport, core_->signer, to.org_id, plan, std::move(request),
      [weak = std::weak_ptr<Core>(core_), done = std::move(done)](net::OutboundResponse response) {
        Reply reply = to_reply(response);
        if (!reply.ok)
          if (auto core = weak.lock())
            core->metrics.requests_failed.fetch_add(1, std::memory_order_relaxed);
        done(std::move(reply));
      });
}

}  // namespace sb::webhooks
