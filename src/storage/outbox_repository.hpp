#pragma once
// The webhook outbox: server messages accepted for delivery, each kept until it is delivered
// or dead (and afterwards, as a record), with every delivery attempt. A message is written in
// the same transaction as the change it reports, so it exists exactly when that change does.

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
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  /// Stores a pending message; returns its seq.
  virtual std::int64_t insert(const OutboxMessage& message) = 0;
  /// Pending messages with seq > `after_seq`, in seq order, at most `limit`.
  virtual std::vector<OutboxMessage> pending_after(std::int64_t after_seq, std::size_t limit) = 0;
  /// Records an attempt and moves the message to its outcome.
  virtual void record_attempt(const OutboxAttempt& attempt) = 0;
  virtual std::optional<OutboxMessage> find(std::int64_t seq) = 0;
  virtual std::optional<OutboxMessage> find_by_id(std::string_view id) = 0;
  virtual std::vector<OutboxAttempt> attempts_of(std::int64_t seq) = 0;
  /// Messages still pending (reads the pending index only).
  virtual std::int64_t pending_count() = 0;
  /// Deletes at most `limit` delivered messages whose delivery ended before `delivered_before`
  /// (ms since the epoch), oldest first, with their attempts; returns how many messages went.
  /// Pending and dead messages are never touched.
  virtual std::size_t prune_delivered(std::int64_t delivered_before, std::size_t limit) = 0;
};

}  // namespace sb::storage
