#include "storage/postgres/outbox_repository.hpp"

#include "storage/outbox_status.hpp"
#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {
namespace {

constexpr std::string_view kSelect =
    "SELECT seq, id, org_id, stream, server, body, status, attempts, next_attempt_at, "
    "COALESCE(last_error, ''), created_at FROM webhook_outbox WHERE ";

OutboxMessage read_message(const Result& r, int row) {
  OutboxMessage m;
  m.seq = r.integer(row, 0);
  m.id = r.text(row, 1);
  m.org_id = r.text(row, 2);
  m.stream = r.text(row, 3);
  m.server = r.text(row, 4);
  m.body = r.text(row, 5);
  m.status = outbox_status_of(r.text(row, 6));
  m.attempts = static_cast<int>(r.integer(row, 7));
  m.next_attempt_at = r.integer(row, 8);
  m.last_error = r.text(row, 9);
  m.created_at = r.integer(row, 10);
  return m;
}

Param text_or_null(const std::string& text) {
  return text.empty() ? Param::null() : Param(text);
}

}  // namespace

std::int64_t PgOutboxRepository::insert(const OutboxMessage& m) {
  // seq comes from an identity sequence: increasing in insert order on one writer. (With
  // several instances, seq order is not commit order; the multi-instance outbox claims
  // messages by lease instead of reading past a seq.)
  return db_
      .run(
          "INSERT INTO webhook_outbox (id, org_id, stream, server, body, status, attempts, "
          "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, "
          "$7, $8, $8) RETURNING seq",
          {m.id, m.org_id, m.stream, m.server, m.body, m.attempts, m.next_attempt_at, m.created_at})
      .integer(0, 0);
}

std::vector<OutboxMessage> PgOutboxRepository::pending_after(std::int64_t after_seq,
                                                             std::size_t limit) {
  const auto r = db_.run(std::string(kSelect) +
                             "status = 'pending' AND seq > $1 ORDER BY seq "
                             "LIMIT $2",
                         {after_seq, static_cast<std::int64_t>(limit)});
  std::vector<OutboxMessage> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_message(r, i));
  return out;
}

void PgOutboxRepository::record_attempt(const OutboxAttempt& a) {
  db_.run(
      "INSERT INTO webhook_attempts (message_seq, attempt, at, status_code, latency_us, error) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_seq, attempt) DO UPDATE SET "
      "at = EXCLUDED.at, status_code = EXCLUDED.status_code, latency_us = EXCLUDED.latency_us, "
      "error = EXCLUDED.error",
      {a.seq, a.attempt, a.at, a.status_code == 0 ? Param::null() : Param(a.status_code),
       a.latency_us, text_or_null(a.error)});
  db_.run(
      "UPDATE webhook_outbox SET status = $2, attempts = $3, next_attempt_at = $4, "
      "last_error = $5, updated_at = $6 WHERE seq = $1",
      {a.seq, outbox_status_text(a.outcome), a.attempt, a.next_attempt_at, text_or_null(a.error),
       a.at});
}

std::optional<OutboxMessage> PgOutboxRepository::find_one(std::string_view where,
                                                          const std::string& value) {
  const auto r = db_.run(std::string(kSelect) + std::string(where), {value});
  if (r.rows() == 0) return std::nullopt;
  return read_message(r, 0);
}

std::optional<OutboxMessage> PgOutboxRepository::find(std::int64_t seq) {
  return find_one("seq = $1", std::to_string(seq));
}

// A scan, as in SQLite: ids are not indexed; this serves tests and operators.
std::optional<OutboxMessage> PgOutboxRepository::find_by_id(std::string_view id) {
  return find_one("id = $1", std::string(id));
}

std::vector<OutboxAttempt> PgOutboxRepository::attempts_of(std::int64_t seq) {
  const auto r = db_.run(
      "SELECT attempt, at, COALESCE(status_code, 0), latency_us, COALESCE(error, '') "
      "FROM webhook_attempts WHERE message_seq = $1 ORDER BY attempt",
      {seq});
  std::vector<OutboxAttempt> out;
  for (int i = 0; i < r.rows(); ++i) {
    OutboxAttempt a;
    a.seq = seq;
    a.attempt = static_cast<int>(r.integer(i, 0));
    a.at = r.integer(i, 1);
    a.status_code = static_cast<int>(r.integer(i, 2));
    a.latency_us = r.integer(i, 3);
    a.error = r.text(i, 4);
    out.push_back(std::move(a));
  }
  return out;
}

std::int64_t PgOutboxRepository::pending_count() {
  return db_.run("SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending'").integer(0, 0);
}

// The oldest delivered messages by the partial index on delivery time, with their attempts,
// in two statements however many there are.
std::size_t PgOutboxRepository::prune_delivered(std::int64_t delivered_before, std::size_t limit) {
  return static_cast<std::size_t>(
      db_.run("WITH gone AS (DELETE FROM webhook_outbox WHERE seq IN (SELECT seq FROM "
              "webhook_outbox WHERE status = 'delivered' AND updated_at < $1 ORDER BY updated_at "
              "LIMIT $2) RETURNING seq), "
              "attempts AS (DELETE FROM webhook_attempts WHERE message_seq IN (SELECT seq FROM "
              "gone)) SELECT COUNT(*) FROM gone",
              {delivered_before, static_cast<std::int64_t>(limit)})
          .integer(0, 0));
}

}  // namespace sb::storage::postgres
