#pragma once
// The Deliveries of this server: a durable outbox in the database and a dispatcher that
// delivers what it claims from it. Several instances may share one database (PostgreSQL):
// each delivers only the messages it holds a lease on (outbox_repository.hpp).
//
// - enqueue() inserts the message in the caller's write job; once that job commits, the
//   dispatcher (its own strand) claims. Nothing is sent before the commit.
// - A claim (a write job) leases the heads of streams that are due, as many as there are free
//   slots (`max_in_flight`), for `lease`; each is sent at once. Claims run after an enqueue
//   commits, after an outcome is recorded (a slot is free, and the stream's next message may be
//   its head now), at a retry's time, and every `poll_interval` (messages other instances
//   enqueued, retries they scheduled, leases of a dead instance that lapsed).
// - Each attempt: the message is sent (Transport) with no transaction open; its outcome is
//   recorded by a write job of its own, which ends the lease. A failed message's next attempt
//   waits for its backoff, unleased: its time is stored, and whichever instance claims it then
//   sends it. While attempts are under way their leases are renewed (by the poll, every
//   lease/3 at most), so a slow receiver does not lose them; an instance that dies loses them
//   when they lapse.
// - Messages of one stream go one at a time, in enqueue order: the next is claimable once the
//   previous is delivered or dead (on whichever instance).
// - It runs on a strand of the context its Placement gives (else on a thread of its own) and
//   reads time from the placement's clock: message timestamps, due times, leases and the
//   backoff, polling and pruning timers all follow it, so a ManualClock drives them in tests.
// - A message whose plan is exhausted is kept as dead, logged (warn) and counted.
// - Retention: every `prune_interval` the dispatcher's thread posts a write job deleting
//   delivered messages (and their attempts) older than `retention`, at most `prune_batch` per
//   job so no job holds the writer long; a full batch is followed by the next as soon as it
//   commits, until the backlog is gone. Pending and dead messages are kept. On PostgreSQL one
//   instance prunes at a time.

#include <chrono>
#include <memory>
#include <string>

#include "net/io_threads.hpp"
#include "webhooks/exchange.hpp"
#include "webhooks/metrics.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::storage {
class Store;
}

namespace sb::webhooks {

struct DispatcherOptions {
  std::size_t max_in_flight = 256;
  /// This instance's name in leases and logs; a new one per start when empty. A dispatcher
  /// starting under a name takes back at once what that name still holds (its previous run was
  /// killed mid-delivery), so two running instances must never share one.
  std::string instance;
  /// The only instance on its database (SQLite): every lease is released at start, so what a
  /// killed process was sending goes again at once rather than when its leases lapse.
  bool sole_instance = false;
  /// How long a claim holds a message; renewed while its attempt is under way.
  std::chrono::milliseconds lease = std::chrono::seconds(30);
  /// Claims (and lease renewals) also run this often, at most lease/3 apart (see above); 0:
  /// only on this instance's own events, and leases are never renewed (tests).
  std::chrono::milliseconds poll_interval = std::chrono::seconds(1);
  /// Delivered messages are deleted this long after their delivery; 0 keeps them forever.
  std::chrono::milliseconds retention = std::chrono::hours(168);
  std::chrono::milliseconds prune_interval = std::chrono::minutes(1);
  /// Messages one pruning job deletes at most (each with its attempts, usually one).
  std::size_t prune_batch = 2'500;
};

class OutboxDispatcher final : public Deliveries {
 public:
  OutboxDispatcher(storage::Store& store, Transport transport, Signer signer,
                   WebhookMetrics& metrics, DispatcherOptions options = {},
                   net::Placement placement = {});
  ~OutboxDispatcher() override;  ///< stops
  OutboxDispatcher(const OutboxDispatcher&) = delete;
  OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

  /// Counts the pending messages (blocking: call at start-up, not on an I/O thread), starts
  /// the dispatcher's thread (when it has its own) and claims.
  void start();
  /// Sends nothing more: returns once the dispatcher has stopped (on a shared context, that
  /// context must still be running), and releases its leases (blocking write). Attempts under
  /// way are left to finish unrecorded: their messages stay pending and are sent again by
  /// the next claim. Idempotent; not to be called from the dispatcher's context.
  void stop();
  /// Before stop() at shutdown: claims what is due now (an ended call's report) and waits,
  /// at most `deadline`, until no claim or attempt is under way. Blocking; not from the
  /// dispatcher's context.
  void flush(std::chrono::milliseconds deadline);
  /// The instance name its leases carry.
  const std::string& instance() const;

  std::string enqueue(storage::Session& session, const Destination& to, std::string_view stream,
                      boost::json::object message) override;
  Cancel request(Destination to, boost::json::object message, std::chrono::milliseconds deadline,
                 std::function<void(Reply)> done) override;

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace sb::webhooks
