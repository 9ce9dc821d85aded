#include "storage/sqlite/sqlite_outbox_repository.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "storage/outbox_status.hpp"
#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {
namespace {

constexpr const char* kColumns =
    "seq, id, org_id, stream, server, body, status, attempts, next_attempt_at, "
    "COALESCE(last_error, ''), created_at, COALESCE(lease_owner, ''), lease_until";

OutboxMessage read_message(const Statement& stmt) {
  OutboxMessage m;
  m.seq = stmt.integer(0);
  m.id = std::string(stmt.text(1));
  m.org_id = std::string(stmt.text(2));
  m.stream = std::string(stmt.text(3));
  m.server = std::string(stmt.text(4));
  m.body = std::string(stmt.text(5));
  m.status = outbox_status_of(stmt.text(6));
  m.attempts = static_cast<int>(stmt.integer(7));
  m.next_attempt_at = stmt.integer(8);
  m.last_error = std::string(stmt.text(9));
  m.created_at = stmt.integer(10);
  m.lease_owner = std::string(stmt.text(11));
  m.lease_until = stmt.integer(12);
  return m;
}

}  // namespace

std::int64_t SqliteOutboxRepository::insert(const OutboxMessage& m) {
  db_.prepare(
         "INSERT INTO webhook_outbox (id, org_id, stream, server, body, status, attempts, "
         "next_attempt_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, "
         "?8, ?8)")
      .bind(1, m.id)
      .bind(2, m.org_id)
      .bind(3, m.stream)
      .bind(4, m.server)
      .bind(5, m.body)
      .bind(6, static_cast<std::int64_t>(m.attempts))
      .bind(7, m.next_attempt_at)
      .bind(8, m.created_at)
      .run();
  return sqlite3_last_insert_rowid(db_.handle());
}

std::vector<OutboxMessage> SqliteOutboxRepository::pending_after(std::int64_t after_seq,
                                                                 std::size_t limit) {
  auto& stmt = db_.prepare(std::string("SELECT ") + kColumns +
                           " FROM webhook_outbox WHERE status = 'pending' AND seq > ?1 "
                           "ORDER BY seq LIMIT ?2")
                   .bind(1, after_seq)
                   .bind(2, static_cast<std::int64_t>(limit));
  std::vector<OutboxMessage> out;
  while (stmt.step()) out.push_back(read_message(stmt));
  stmt.reset();
  return out;
}

// The same statement as PostgreSQL's, less its row locks: the one writer runs one claim at a
// time, so a claim sees every lease the previous one took.
std::vector<OutboxMessage> SqliteOutboxRepository::claim(std::string_view owner, std::int64_t now,
                                                         std::int64_t until, std::size_t limit) {
  auto& stmt =
      db_.prepare(std::string(
                      "UPDATE webhook_outbox SET lease_owner = ?1, lease_until = ?3 WHERE seq IN ("
                      "SELECT h.seq FROM webhook_outbox h WHERE h.status = 'pending' AND "
                      "h.next_attempt_at <= ?2 AND h.lease_until <= ?2 AND (h.stream = '' OR "
                      "NOT EXISTS (SELECT 1 FROM webhook_outbox e WHERE e.status = 'pending' AND "
                      "e.org_id = h.org_id AND e.stream = h.stream AND e.seq < h.seq)) "
                      "ORDER BY h.seq LIMIT ?4) RETURNING ") +
                  kColumns)
          .bind(1, owner)
          .bind(2, now)
          .bind(3, until)
          .bind(4, static_cast<std::int64_t>(limit));
  std::vector<OutboxMessage> out;
  while (stmt.step()) out.push_back(read_message(stmt));
  stmt.reset();
  std::ranges::sort(out, {}, &OutboxMessage::seq);
  return out;
}

std::size_t SqliteOutboxRepository::renew(std::string_view owner, std::int64_t until) {
  db_.prepare(
         "UPDATE webhook_outbox SET lease_until = ?2 WHERE lease_owner = ?1 AND "
         "status = 'pending'")
      .bind(1, owner)
      .bind(2, until)
      .run();
  return static_cast<std::size_t>(db_.changes());
}

std::size_t SqliteOutboxRepository::release(std::string_view owner) {
  db_.prepare(
         "UPDATE webhook_outbox SET lease_owner = NULL, lease_until = 0 WHERE status = 'pending' "
         "AND lease_owner IS NOT NULL AND (?1 = '' OR lease_owner = ?1)")
      .bind(1, owner)
      .run();
  return static_cast<std::size_t>(db_.changes());
}

std::optional<std::int64_t> SqliteOutboxRepository::next_due_after(std::int64_t now) {
  auto& stmt = db_.prepare(
                      "SELECT MIN(next_attempt_at) FROM webhook_outbox WHERE status = 'pending' "
                      "AND next_attempt_at > ?1")
                   .bind(1, now);
  std::optional<std::int64_t> due;
  if (stmt.step() && !stmt.is_null(0)) due = stmt.integer(0);
  stmt.reset();
  return due;
}

// The message first, conditionally on the lease: an attempt of an instance that lost the
// message leaves no trace.
bool SqliteOutboxRepository::record_attempt(const OutboxAttempt& a) {
  auto& update = db_.prepare(
      "UPDATE webhook_outbox SET status = ?2, attempts = ?3, next_attempt_at = ?4, "
      "last_error = ?5, updated_at = ?6, lease_owner = NULL, lease_until = 0 WHERE seq = ?1 "
      "AND (?7 = '' OR lease_owner = ?7)");
  update.bind(1, a.seq)
      .bind(2, outbox_status_text(a.outcome))
      .bind(3, static_cast<std::int64_t>(a.attempt))
      .bind(4, a.next_attempt_at);
  if (a.error.empty())
    update.bind_null(5);
  else
    update.bind(5, a.error);
  update.bind(6, a.at).bind(7, a.owner).run();
  if (db_.changes() == 0) return false;
  auto& insert = db_.prepare(
      "INSERT OR REPLACE INTO webhook_attempts (message_seq, attempt, at, status_code, "
      "latency_us, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, a.seq).bind(2, static_cast<std::int64_t>(a.attempt)).bind(3, a.at);
  if (a.status_code == 0)
    insert.bind_null(4);
  else
    insert.bind(4, static_cast<std::int64_t>(a.status_code));
  insert.bind(5, a.latency_us);
  if (a.error.empty())
    insert.bind_null(6);
  else
    insert.bind(6, a.error);
  insert.run();
  return true;
}

std::optional<OutboxMessage> SqliteOutboxRepository::find_one(Statement& stmt) {
  std::optional<OutboxMessage> found;
  if (stmt.step()) found = read_message(stmt);
  stmt.reset();
  return found;
}

std::optional<OutboxMessage> SqliteOutboxRepository::find(std::int64_t seq) {
  return find_one(
      db_.prepare(std::string("SELECT ") + kColumns + " FROM webhook_outbox WHERE seq = ?1")
          .bind(1, seq));
}

// A scan: message ids are not indexed (an index on random ids would cost a random page write
// per enqueue); this serves tests and operators, not the delivery path.
std::optional<OutboxMessage> SqliteOutboxRepository::find_by_id(std::string_view id) {
  return find_one(
      db_.prepare(std::string("SELECT ") + kColumns + " FROM webhook_outbox WHERE id = ?1")
          .bind(1, id));
}

std::vector<OutboxAttempt> SqliteOutboxRepository::attempts_of(std::int64_t seq) {
  auto& stmt = db_.prepare(
                      "SELECT attempt, at, COALESCE(status_code, 0), latency_us, "
                      "COALESCE(error, '') FROM webhook_attempts WHERE message_seq = ?1 "
                      "ORDER BY attempt")
                   .bind(1, seq);
  std::vector<OutboxAttempt> out;
  while (stmt.step()) {
    OutboxAttempt a;
    a.seq = seq;
    a.attempt = static_cast<int>(stmt.integer(0));
    a.at = stmt.integer(1);
    a.status_code = static_cast<int>(stmt.integer(2));
    a.latency_us = stmt.integer(3);
    a.error = std::string(stmt.text(4));
    out.push_back(std::move(a));
  }
  stmt.reset();
  return out;
}

std::int64_t SqliteOutboxRepository::pending_count() {
  auto& stmt = db_.prepare("SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending'");
  stmt.step();
  const auto n = stmt.integer(0);
  stmt.reset();
  return n;
}

// Reads the delivered index (migration 4) from its oldest end, so a batch costs its own
// size however many rows remain; a message's attempts go by their primary key's prefix.
std::size_t SqliteOutboxRepository::prune_delivered(std::int64_t delivered_before,
                                                    std::size_t limit) {
  auto& select = db_.prepare(
                        "SELECT seq FROM webhook_outbox WHERE status = 'delivered' AND "
                        "updated_at < ?1 ORDER BY updated_at LIMIT ?2")
                     .bind(1, delivered_before)
                     .bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> seqs;
  while (select.step()) seqs.push_back(select.integer(0));
  select.reset();
  for (const auto seq : seqs) {
    db_.prepare("DELETE FROM webhook_attempts WHERE message_seq = ?1").bind(1, seq).run();
    db_.prepare("DELETE FROM webhook_outbox WHERE seq = ?1").bind(1, seq).run();
  }
  return seqs.size();
}

}  // namespace sb::storage::sqlite
