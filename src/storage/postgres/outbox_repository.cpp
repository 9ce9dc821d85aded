#include "storage/postgres/outbox_repository.hpp"

#include <algorithm>

#include "storage/outbox_status.hpp"
#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {
namespace {

#define SB_OUTBOX_COLUMNS                                                      \
  "seq, id, org_id, stream, server, body, status, attempts, next_attempt_at, " \
  "COALESCE(last_error, ''), created_at, COALESCE(lease_owner, ''), lease_until"

constexpr std::string_view kSelect = "SELECT " SB_OUTBOX_COLUMNS " FROM webhook_outbox WHERE ";

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
  m.lease_owner = r.text(row, 11);
  m.lease_until = r.integer(row, 12);
  return m;
}

// Any constant shared by every instance (the migrations' lock is another).
constexpr std::int64_t kPruneLock = 7265747;

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

// The heads of their streams (no earlier pending message of the stream), due and not leased
// by a live lease; SKIP LOCKED passes over rows another instance is claiming this moment, and
// a row it claimed meanwhile is read again after its commit, so its new lease excludes it.
std::vector<OutboxMessage> PgOutboxRepository::claim(std::string_view owner, std::int64_t now,
                                                     std::int64_t until, std::size_t limit) {
  const auto r = db_.run(
      "UPDATE webhook_outbox SET lease_owner = $1, lease_until = $3 WHERE seq IN ("
      "SELECT h.seq FROM webhook_outbox h WHERE h.status = 'pending' AND "
      "h.next_attempt_at <= $2 AND h.lease_until <= $2 AND (h.stream = '' OR NOT EXISTS ("
      "SELECT 1 FROM webhook_outbox e WHERE e.status = 'pending' AND e.org_id = h.org_id AND "
      "e.stream = h.stream AND e.seq < h.seq)) ORDER BY h.seq LIMIT $4 FOR UPDATE SKIP LOCKED) "
      "RETURNING " SB_OUTBOX_COLUMNS,
      {std::string(owner), now, until, static_cast<std::int64_t>(limit)});
  std::vector<OutboxMessage> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_message(r, i));
  std::ranges::sort(out, {}, &OutboxMessage::seq);
  return out;
}

std::size_t PgOutboxRepository::renew(std::string_view owner, std::int64_t until) {
  return static_cast<std::size_t>(
      db_.run("UPDATE webhook_outbox SET lease_until = $2 WHERE lease_owner = $1 AND "
              "status = 'pending'",
              {std::string(owner), until})
          .affected());
}

std::size_t PgOutboxRepository::release(std::string_view owner) {
  return static_cast<std::size_t>(
      db_.run("UPDATE webhook_outbox SET lease_owner = NULL, lease_until = 0 WHERE "
              "status = 'pending' AND lease_owner IS NOT NULL AND ($1::text = '' OR lease_owner = "
              "$1::text)",
              {std::string(owner)})
          .affected());
}

std::optional<std::int64_t> PgOutboxRepository::next_due_after(std::int64_t now) {
  const auto r = db_.run(
      "SELECT MIN(next_attempt_at) FROM webhook_outbox WHERE status = 'pending' AND "
      "next_attempt_at > $1",
      {now});
  if (r.is_null(0, 0)) return std::nullopt;
  return r.integer(0, 0);
}

// The message first, conditionally on the lease: an attempt of an instance that lost the
// message leaves no trace.
bool PgOutboxRepository::record_attempt(const OutboxAttempt& a) {
  const auto updated = db_.run(
      "UPDATE webhook_outbox SET status = $2, attempts = $3, next_attempt_at = $4, "
      "last_error = $5, updated_at = $6, lease_owner = NULL, lease_until = 0 WHERE seq = $1 "
      "AND ($7::text = '' OR lease_owner = $7::text)",
      {a.seq, outbox_status_text(a.outcome), a.attempt, a.next_attempt_at, text_or_null(a.error),
       a.at, a.owner});
  if (updated.affected() == 0) return false;
  db_.run(
      "INSERT INTO webhook_attempts (message_seq, attempt, at, status_code, latency_us, error) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_seq, attempt) DO UPDATE SET "
      "at = EXCLUDED.at, status_code = EXCLUDED.status_code, latency_us = EXCLUDED.latency_us, "
      "error = EXCLUDED.error",
      {a.seq, a.attempt, a.at, a.status_code == 0 ? Param::null() : Param(a.status_code),
       a.latency_us, text_or_null(a.error)});
  return true;
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
// in two statements however many there are. One instance prunes at a time (a transaction
// advisory lock, tried, not waited for): the others' batches come back empty at once rather
// than queueing behind the same rows.
std::size_t PgOutboxRepository::prune_delivered(std::int64_t delivered_before, std::size_t limit) {
  if (db_.run("SELECT pg_try_advisory_xact_lock($1)", {kPruneLock}).text(0, 0) != "t") return 0;
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
