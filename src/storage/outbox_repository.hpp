#pragma once
// The webhook outbox: server messages accepted for delivery, each kept until it is delivered
// or dead (and afterwards, as a record), with every delivery attempt. A message is written in
// the same transaction as the change it reports, so it exists exactly when that change does.
//
// Claims (several instances on one database). A message is delivered by the instance that
// holds its lease: claim() leases due messages to one owner (an instance id) until a time;
// record_attempt() by that owner ends the lease. The contract, on every backend:
// - Only the head of a stream is claimable: the pending message of its stream with the lowest
//   seq, so no earlier message of that stream is pending (leased by anyone or not). Messages
//   without a stream ("") are heads of their own. So a stream is delivered by one instance at
//   a time, in seq order, whichever instances take turns at it.
// - A claimable message is due (next_attempt_at <= now) and not under a live lease of another
//   owner (lease_until <= now). Concurrent claims never return the same message twice.
// - A lease not renewed lapses at its time: an instance that died mid-delivery loses its
//   messages to the next claim after that, and the message is sent again (at least once).
// - record_attempt() with an owner records only while the message is still that owner's
//   (leased to it, even if lapsed and not yet taken over); otherwise it changes nothing and
//   returns false: the instance that took the message over records its own attempts.
// - "seq order" is commit order for a stream whose messages report one object (a call, a
//   session): the write that enqueues them locks that object's row, so two instances' writes
//   to it commit one after the other. Two unrelated writers enqueueing to one stream at the same
//   moment have no order between them, and may briefly both hold a message of it.
// - Cost: a claim reads pending messages by seq and skips those not at their stream's head, so
//   a backlog of many messages in few streams makes each claim read past that backlog.
// PostgreSQL claims with FOR UPDATE SKIP LOCKED; SQLite's single writer makes each claim
// atomic, and serves one instance (a sole instance releases every lease at start).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::storage {

enum class OutboxStatus { kPending, kDelivered, kDead };

struct OutboxMessage {
  std::int64_t seq = 0;  ///< enqueue order, set by insert(); orders a stream's messages
  std::string id;        ///< the stable message id sent with every attempt
  std::string org_id;
  std::string stream;  ///< messages of one stream are delivered one at a time, in seq order
  std::string server;  ///< the API `Server` object (url, headers, backoffPlan, ...) as JSON
  std::string body;    ///< the exact POST body, {"message": {...}}
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;                  ///< attempts made so far
  std::int64_t next_attempt_at = 0;  ///< ms since the epoch; a pending message is due then
  std::string last_error;
  std::int64_t created_at = 0;
  std::string lease_owner;       ///< the instance delivering it, "" when none
  std::int64_t lease_until = 0;  ///< ms since the epoch; the lease lapses then
};

/// One delivery attempt and what it left the message as.
struct OutboxAttempt {
  std::int64_t seq = 0;
  int attempt = 0;      ///< 1-based
  std::int64_t at = 0;  ///< ms since the epoch, when the attempt ended
  int status_code = 0;  ///< 0 when no response arrived
  std::int64_t latency_us = 0;
  std::string error;                              ///< "" on success
  OutboxStatus outcome = OutboxStatus::kPending;  ///< the message's status after it
  std::int64_t next_attempt_at = 0;               ///< when pending: the next attempt's time
  /// The lease holder recording it; "" records whoever holds the message (tests, tools).
  std::string owner;
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  /// Stores a pending message; returns its seq.
  virtual std::int64_t insert(const OutboxMessage& message) = 0;
  /// Pending messages with seq > `after_seq`, in seq order, at most `limit`.
  virtual std::vector<OutboxMessage> pending_after(std::int64_t after_seq, std::size_t limit) = 0;
  /// Leases to `owner` until `until` at most `limit` messages claimable at `now` (see the
  /// contract above); returns them in seq order.
  virtual std::vector<OutboxMessage> claim(std::string_view owner, std::int64_t now,
                                           std::int64_t until, std::size_t limit) = 0;
  /// Extends every lease `owner` still holds to `until`; returns how many.
  virtual std::size_t renew(std::string_view owner, std::int64_t until) = 0;
  /// Ends the leases of `owner` (of every owner when ""; only a sole instance may) on pending
  /// messages, so they are claimable at once; returns how many.
  virtual std::size_t release(std::string_view owner) = 0;
  /// The earliest next_attempt_at after `now` among pending messages (a retry's time).
  virtual std::optional<std::int64_t> next_due_after(std::int64_t now) = 0;
  /// Records an attempt, moves the message to its outcome and ends its lease; false (nothing
  /// changed) when `attempt.owner` is set and no longer holds the message.
  virtual bool record_attempt(const OutboxAttempt& attempt) = 0;
  virtual std::optional<OutboxMessage> find(std::int64_t seq) = 0;
  virtual std::optional<OutboxMessage> find_by_id(std::string_view id) = 0;
  virtual std::vector<OutboxAttempt> attempts_of(std::int64_t seq) = 0;
  /// Messages still pending (reads the pending index only).
  virtual std::int64_t pending_count() = 0;
  /// Deletes at most `limit` delivered messages whose delivery ended before `delivered_before`
  /// (ms since the epoch), oldest first, with their attempts; returns how many messages went.
  /// Pending and dead messages are never touched. Instances pruning at once share the work
  /// (PostgreSQL: one prunes, the others' batches come back empty).
  virtual std::size_t prune_delivered(std::int64_t delivered_before, std::size_t limit) = 0;
};

}  // namespace sb::storage
