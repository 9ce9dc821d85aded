#include "webhooks/outbox_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>
#include <deque>
#include <future>
#include <limits>
#include <optional>
#include <set>
#include <thread>
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

// An attempt whose record the database refused (a write undone again and again by other
// instances' deadlocks, a lost connection) is written again after 100, 200, 400, 800 ms while
// its lease is kept: sending the message again would be a duplicate.
constexpr int kRecordTries = 5;
constexpr std::chrono::milliseconds kRecordRetryBase{100};

// A claimed message, while its attempt is under way.
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

void log_failure(std::exception_ptr failed, std::string_view what) {
  try {
    std::rethrow_exception(failed);
  } catch (const std::exception& x) {
    spdlog::error("{}: {}", what, x.what());
  }
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
        options(std::move(o)),
        clock(p.clock_or_system()),
        own_io(p.io ? nullptr : std::make_unique<net::IoThreads>("webhooks", 1)),
        strand(asio::make_strand(p.io ? *p.io : own_io->context())),
        retry_timer(strand, clock),
        poll_timer(strand, clock),
        prune_timer(strand, clock),
        record_timer(strand, clock) {
    if (options.instance.empty()) options.instance = new_uuid();
    // Renewal rides on the poll: often enough that a lease never lapses between two.
    if (options.poll_interval.count() > 0)
      options.poll_interval = std::min(options.poll_interval, options.lease / 3);
  }

  void claim();
  void claimed(std::vector<OutboxMessage> rows, std::size_t asked, bool failed);
  void due_at(EpochMs at);
  void on_retry_timer();
  void arm_polling();
  void poll();
  void attempt(Entry entry);
  void finished(std::int64_t seq, net::OutboundResponse response);
  void record(const Entry& e, const net::OutboundResponse& r, OutboxStatus outcome, EpochMs now,
              const std::string& error);
  void write_attempt(storage::OutboxAttempt a, std::string id, int tries);
  void on_record_timer();
  void renew();
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
  net::Timer retry_timer;  // the earliest retry time this instance knows of
  net::Timer poll_timer;
  net::Timer prune_timer;
  net::Timer record_timer;  // armed while an attempt waits to be recorded again
  bool started = false;

  // Attempts sent but not yet recorded, waiting for record_timer; their leases are renewed.
  struct Unrecorded {
    storage::OutboxAttempt attempt;
    std::string id;
    int tries = 0;
  };
  std::vector<Unrecorded> unrecorded;

  std::unordered_map<std::int64_t, Entry> in_flight;  // by seq
  std::set<EpochMs> retries;                          // due times of retries, earliest first
  EpochMs retry_timer_at = kNever;
  EpochMs renewed_at = 0;    // when the leases were last extended
  bool claiming = false;     // one claim job at a time
  bool claim_again = false;  // something happened during it that a new claim should see
  bool stopping = false;
};

// One claim job at a time: whatever asks meanwhile is served by one more claim after it.
void OutboxDispatcher::Core::claim() {
  if (stopping) return;
  if (claiming) {
    claim_again = true;
    return;
  }
  if (in_flight.size() >= options.max_in_flight) return;  // a finished attempt claims again
  claiming = true;
  claim_again = false;
  const std::size_t limit = options.max_in_flight - in_flight.size();
  const EpochMs now = clock.wall_ms();
  const EpochMs until = now + options.lease.count();
  auto rows = std::make_shared<std::vector<OutboxMessage>>();
  store.post_write([owner = options.instance, now, until, limit, rows](
                       storage::Session& s) { *rows = s.outbox().claim(owner, now, until, limit); },
                   [weak = weak_from_this(), rows, limit](std::exception_ptr failed) {
                     if (failed) log_failure(failed, "claiming webhook messages");
                     if (auto core = weak.lock())
                       core->post([c = core.get(), rows, limit, f = bool(failed)] {
                         c->claimed(std::move(*rows), limit, f);
                       });
                   });
}

void OutboxDispatcher::Core::claimed(std::vector<OutboxMessage> rows, std::size_t asked,
                                     bool failed) {
  claiming = false;
  if (stopping) return;
  const bool full = rows.size() == asked;
  for (auto& row : rows) attempt(entry_of(std::move(row)));
  // A full claim may have left more behind; a failed one is retried by the next poll.
  if (!failed && (claim_again || full)) claim();
}

// A retry becomes claimable at `at`: this instance claims then (another may first).
void OutboxDispatcher::Core::due_at(EpochMs at) {
  retries.insert(at);
  if (stopping || at >= retry_timer_at) return;
  retry_timer_at = at;
  retry_timer.arm_after(std::chrono::milliseconds(std::max<EpochMs>(0, at - clock.wall_ms())),
                        [this] { on_retry_timer(); });
}

void OutboxDispatcher::Core::on_retry_timer() {
  retry_timer_at = kNever;
  const EpochMs now = clock.wall_ms();
  retries.erase(retries.begin(), retries.upper_bound(now));
  if (!retries.empty()) {
    const EpochMs next = *retries.begin();
    retries.erase(retries.begin());
    due_at(next);
  }
  claim();
}

void OutboxDispatcher::Core::arm_polling() {
  if (stopping || options.poll_interval.count() <= 0) return;
  poll_timer.arm_after(options.poll_interval, [this] { poll(); });
}

// Claims, renews leases due for it, and reads the pending count afresh: other instances
// enqueue and deliver too.
void OutboxDispatcher::Core::poll() {
  claim();
  const bool leasing = !in_flight.empty() || !unrecorded.empty();
  if (leasing && clock.wall_ms() - renewed_at >= options.lease.count() / 3) renew();
  store.post_read([weak = weak_from_this()](storage::Session& s) {
    const auto pending = s.outbox().pending_count();
    if (auto core = weak.lock()) core->metrics.pending.store(pending, std::memory_order_relaxed);
  });
  arm_polling();
}

void OutboxDispatcher::Core::attempt(Entry entry) {
  const auto seq = entry.seq;
  if (in_flight.empty()) renewed_at = clock.wall_ms();  // the claim just leased it
  const auto& head = in_flight.emplace(seq, std::move(entry)).first->second;
  metrics.in_flight.fetch_add(1, std::memory_order_relaxed);
  auto request = outbound_request(head.plan, head.body, head.id);
  sign_and_send(transport, signer, head.org_id, head.plan, std::move(request),
                [weak = weak_from_this(), seq](net::OutboundResponse response) {
                  if (auto core = weak.lock())
                    core->post([c = core.get(), seq, r = std::move(response)]() mutable {
                      c->finished(seq, std::move(r));
                    });
                });
}

void OutboxDispatcher::Core::finished(std::int64_t seq, net::OutboundResponse response) {
  metrics.in_flight.fetch_sub(1, std::memory_order_relaxed);
  const auto it = in_flight.find(seq);
  Entry head = std::move(it->second);
  in_flight.erase(it);
  if (stopping) return;  // unrecorded: the message stays pending for the next claim
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
    due_at(head.next_attempt_at);
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
}

// Recorded by a write job of its own, after the exchange: no transaction is open while a
// message is on the wire. Once it commits, a slot is free and the stream's next message may be
// claimable: a claim follows.
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
  a.owner = options.instance;
  write_attempt(std::move(a), e.id, 0);
}

void OutboxDispatcher::Core::write_attempt(storage::OutboxAttempt a, std::string id, int tries) {
  auto kept = std::make_shared<bool>(true);
  store.post_write([a, kept](storage::Session& s) { *kept = s.outbox().record_attempt(a); },
                   [weak = weak_from_this(), a, id, tries, kept](std::exception_ptr f) {
                     if (f && tries + 1 < kRecordTries) {
                       log_failure(
                           f, "recording attempt of webhook message " + id + " (tried again soon)");
                       if (auto core = weak.lock())
                         core->post([c = core.get(), a, id, tries] {
                           if (c->stopping) return;
                           c->unrecorded.push_back({a, id, tries + 1});
                           if (c->unrecorded.size() == 1)
                             c->record_timer.arm_after(kRecordRetryBase * (1 << tries),
                                                       [c] { c->on_record_timer(); });
                         });
                       return;
                     }
                     if (f)
                       log_failure(f, "recording attempt of webhook message " + id +
                                          " (its lease lapses; it may be sent again)");
                     else if (!*kept)
                       spdlog::info(
                           "webhook message {}: its lease lapsed and another instance took it "
                           "over; this attempt is not recorded",
                           id);
                     if (auto core = weak.lock()) core->post([c = core.get()] { c->claim(); });
                   });
}

void OutboxDispatcher::Core::on_record_timer() {
  auto due = std::exchange(unrecorded, {});
  for (auto& u : due) write_attempt(std::move(u.attempt), std::move(u.id), u.tries);
}

void OutboxDispatcher::Core::renew() {
  renewed_at = clock.wall_ms();
  const EpochMs until = renewed_at + options.lease.count();
  store.post_write(
      [owner = options.instance, until](storage::Session& s) { s.outbox().renew(owner, until); },
      [](std::exception_ptr failed) {
        if (failed) log_failure(failed, "renewing webhook leases");
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
        if (failed) log_failure(failed, "pruning delivered webhook messages");
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
    : core_(std::make_shared<Core>(store, std::move(transport), std::move(signer), metrics,
                                   std::move(options), placement)) {}

OutboxDispatcher::~OutboxDispatcher() {
  stop();
}

const std::string& OutboxDispatcher::instance() const {
  return core_->options.instance;
}

void OutboxDispatcher::start() {
  auto* core = core_.get();
  std::int64_t pending = 0;
  std::optional<EpochMs> next_due;
  // Leases of an earlier run under this name (or, as the sole instance, of anyone) are ours.
  core->store.write_sync([&](storage::Session& s) {
    s.outbox().release(core->options.sole_instance ? "" : core->options.instance);
  });
  core->store.read_sync([&](storage::Session& s) {
    pending = s.outbox().pending_count();
    next_due = s.outbox().next_due_after(core->clock.wall_ms());
  });
  core->metrics.pending.store(pending, std::memory_order_relaxed);
  core->started = true;
  if (core->own_io) core->own_io->start();
  core->post([core, next_due] {
    core->claim();
    if (next_due) core->due_at(*next_due);  // a retry stored by an earlier run
    core->arm_polling();
    core->arm_pruning();
  });
}

void OutboxDispatcher::stop() {
  auto* core = core_.get();
  if (!core->started) return;
  core->started = false;
  std::promise<void> stopped;
  std::vector<Core::Unrecorded> unrecorded;
  core->post([core, &stopped, &unrecorded] {
    core->stopping = true;
    core->retry_timer.cancel();
    core->poll_timer.cancel();
    core->prune_timer.cancel();
    core->record_timer.cancel();
    unrecorded = std::exchange(core->unrecorded, {});
    stopped.set_value();
  });
  stopped.get_future().wait();
  if (core->own_io) core->own_io->stop();
  // Attempts sent but not recorded get one last try: released unrecorded, they would be sent
  // again. Then what this instance held is claimable by the others (or the next start).
  try {
    core->store.write_sync([&](storage::Session& s) {
      for (const auto& u : unrecorded) s.outbox().record_attempt(u.attempt);
      s.outbox().release(core->options.instance);
    });
  } catch (const std::exception& x) {
    spdlog::warn("releasing webhook leases at stop: {}", x.what());
  }
}

void OutboxDispatcher::flush(std::chrono::milliseconds deadline) {
  auto* core = core_.get();
  if (!core->started) return;
  const auto until = std::chrono::steady_clock::now() + deadline;
  core->post([core] { core->claim(); });
  for (;;) {
    // Posted after the claim: it sees the claim under way, then what the claim started.
    auto idle = std::make_shared<std::promise<bool>>();
    auto answer = idle->get_future();
    core->post([core, idle] {
      idle->set_value(!core->claiming && core->in_flight.empty() && core->unrecorded.empty());
    });
    const auto now = std::chrono::steady_clock::now();
    if (now >= until || answer.wait_until(until) != std::future_status::ready || answer.get())
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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
  session.after_commit([weak = std::weak_ptr<Core>(core_)] {
    if (auto core = weak.lock()) {
      core->metrics.enqueued.fetch_add(1, std::memory_order_relaxed);
      core->metrics.pending.fetch_add(1, std::memory_order_relaxed);
      core->post([c = core.get()] { c->claim(); });
    }
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
