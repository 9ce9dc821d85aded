#pragma once
// The Deliveries of this server: a durable outbox in the database and a dispatcher that
// drains it.
//
// - enqueue() inserts the message in the caller's write job; once that job commits, the
//   dispatcher (its own thread) learns of it. Nothing is sent before the commit.
// - Each attempt: the message is sent (Transport) with no transaction open; its outcome is
//   recorded by a write job of its own (group commit batches them). The next attempt of a
//   failed message waits for its backoff; its time is stored, so a restart keeps it.
// - Messages of one stream go one at a time, in enqueue order: the next is sent once the
//   previous is delivered or dead. Streams run in parallel, at most `max_in_flight` at once.
// - It runs on a strand of the context its Placement gives (else on a thread of its own) and
//   reads time from the placement's clock: message timestamps, due times and the backoff and
//   pruning timers all follow it, so a ManualClock drives them in tests.
// - At start-up every pending message is loaded and delivered. Memory holds at most
//   `max_in_memory` pending messages, always the oldest by enqueue order; the rest wait in
//   the database and are read as memory frees, so order holds there too.
// - A message whose plan is exhausted is kept as dead, logged (warn) and counted.
// - Retention: every `prune_interval` the dispatcher's thread posts a write job deleting
//   delivered messages (and their attempts) older than `retention`, at most `prune_batch` per
//   job so no job holds the writer long; a full batch is followed by the next as soon as it
//   commits, until the backlog is gone. Pending and dead messages are kept.

#include <chrono>
#include <memory>

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
  std::size_t max_in_memory = 50'000;
  std::size_t load_batch = 2'000;  ///< pending messages one database read takes
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
  /// the dispatcher's thread (when it has its own) and loads them.
  void start();
  /// Sends nothing more: returns once the dispatcher has stopped (on a shared context, that
  /// context must still be running). Attempts under way are left to finish unrecorded: their
  /// messages stay pending and are sent again by the next start. Idempotent; not to be called
  /// from the dispatcher's context.
  void stop();

  std::string enqueue(storage::Session& session, const Destination& to, std::string_view stream,
                      boost::json::object message) override;
  Cancel request(Destination to, boost::json::object message, std::chrono::milliseconds deadline,
                 std::function<void(Reply)> done) override;

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace sb::webhooks
