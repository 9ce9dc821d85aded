#include "storage/sqlite/migrations.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/json_text.hpp"
#include "storage/sql_fragments.hpp"
#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {
namespace {

// 5: documents stored before numbers were written as JavaScript writes them hold doubles in
// exponent form (0.7 as 7E-1); rewrite them so reads give back what was sent. Only documents
// with a digit before an E can hold one; the rest keep their bytes.
void rewrite_exponent_numbers(Connection& db) {
  std::vector<std::pair<std::int64_t, std::string>> rewritten;
  auto& select = db.prepare("SELECT seq, document FROM resources WHERE document GLOB '*[0-9]E*'");
  while (select.step()) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(select.text(1), ec);
    if (ec) continue;  // never stored by this server; leave it as it is
    auto text = json_text(parsed);
    if (text != select.text(1)) rewritten.emplace_back(select.integer(0), std::move(text));
  }
  select.reset();
  for (const auto& [seq, text] : rewritten)
    db.prepare("UPDATE resources SET document = ?2 WHERE seq = ?1")
        .bind(1, seq)
        .bind(2, text)
        .run();
}

// 6: outbox leases and the index claims find a stream's head by. Written to run again on a
// database that has them (as a test re-running migration 5 does): SQLite has no ADD COLUMN
// IF NOT EXISTS.
void add_outbox_leases(Connection& db) {
  auto& columns = db.prepare(
      "SELECT 1 FROM pragma_table_info('webhook_outbox') WHERE "
      "name = 'lease_owner'");
  const bool has = columns.step();
  columns.reset();
  if (!has)
    db.exec(
        "ALTER TABLE webhook_outbox ADD COLUMN lease_owner TEXT; ALTER TABLE webhook_outbox ADD "
        "COLUMN lease_until INTEGER NOT NULL DEFAULT 0;");
  db.exec(
      "CREATE INDEX IF NOT EXISTS webhook_outbox_streams ON webhook_outbox(org_id, stream, seq) "
      "WHERE status = 'pending'");
}

// Append only: a released migration is never edited, a change is a new entry. An entry is SQL,
// or a function for a change SQL cannot make.
struct Migration {
  const char* sql = nullptr;
  void (*run)(Connection&) = nullptr;
};

constexpr Migration kMigrations[] = {
    // 1: orgs, API keys, resources.
    {R"sql(
CREATE TABLE orgs (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
  key_hash   TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL REFERENCES orgs(id),
  kind       TEXT NOT NULL CHECK (kind IN ('private', 'public')),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Every configuration resource (phone numbers, assistants, squads, tools, ...) in one table:
-- its API document plus the columns lists need; unique values live in resource_keys.
CREATE TABLE resources (
  seq         INTEGER PRIMARY KEY,  -- insertion order: the tie-breaker for equal timestamps
  kind        TEXT NOT NULL,
  id          TEXT NOT NULL UNIQUE,
  org_id      TEXT NOT NULL REFERENCES orgs(id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  document    TEXT NOT NULL,
  secrets     BLOB,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resources_by_created ON resources(org_id, kind, created_at, seq);
CREATE INDEX resources_by_updated ON resources(org_id, kind, updated_at, seq);
CREATE TABLE resource_keys (
  kind   TEXT NOT NULL,
  scope  TEXT NOT NULL,  -- the org id, or '*' for a key unique on the whole server
  name   TEXT NOT NULL,
  value  TEXT NOT NULL,
  holder TEXT NOT NULL,  -- id of the resource holding the key
  PRIMARY KEY (kind, scope, name, value)
) WITHOUT ROWID;
CREATE INDEX resource_keys_by_holder ON resource_keys(holder);
)sql"},
    // 2: keys are released by value (the service knows them from the document), so the index
    // by holder only cost a random page write per create.
    {R"sql(
DROP INDEX resource_keys_by_holder;
)sql"},
    // 3: the webhook outbox and its attempts; org settings (the org's server).
    {R"sql(
-- A server message accepted for delivery. Rows stay after delivery (or death) as the record;
-- only pending rows are in the partial index, so loading them reads nothing else.
CREATE TABLE webhook_outbox (
  seq             INTEGER PRIMARY KEY,  -- enqueue order: a stream's messages go in this order
  id              TEXT NOT NULL,        -- the message id sent with every attempt
  org_id          TEXT NOT NULL,
  stream          TEXT NOT NULL,
  server          TEXT NOT NULL,        -- the Server object (JSON) the message goes to
  body            TEXT NOT NULL,        -- the exact POST body
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,     -- ms since the epoch
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox(seq) WHERE status = 'pending';
CREATE TABLE webhook_attempts (
  message_seq INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,  -- 1-based
  at          INTEGER NOT NULL,  -- ms since the epoch, when the attempt ended
  status_code INTEGER,           -- NULL when no response arrived
  latency_us  INTEGER NOT NULL,
  error       TEXT,
  PRIMARY KEY (message_seq, attempt)
) WITHOUT ROWID;
-- What PATCH /org/{id} sets besides the name (server, ...), as a JSON object.
ALTER TABLE orgs ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE orgs ADD COLUMN updated_at INTEGER;
)sql"},
    // 4: delivered messages by delivery time, for retention: pruning reads the oldest first.
    // Delivery times only grow, so each entry is appended at the index's end.
    {R"sql(
CREATE INDEX webhook_outbox_delivered ON webhook_outbox(updated_at) WHERE status = 'delivered';
)sql"},
    // 5: numbers in exponent form rewritten (see rewrite_exponent_numbers).
    {nullptr, rewrite_exponent_numbers},
    // 6: outbox leases (outbox_repository.hpp) and pending messages by stream, for claims.
    {nullptr, add_outbox_leases},
    // 7: analytics (storage/analytics_sql.cpp). A call's assistant as a column kept by
    // triggers (however a call row is written), and the calls by org and creation time with
    // it: counting calls per assistant per day reads this index only, never the documents.
    // (A virtual generated column would not do: SQLite before 3.41 does not cover a query
    // from an index on one, so it read every document anyway.)
    {R"sql(
ALTER TABLE resources ADD COLUMN call_assistant_id TEXT;
UPDATE resources SET call_assistant_id = json_extract(document, '$.assistantId')
  WHERE kind = 'call';
CREATE TRIGGER resources_call_assistant_inserted AFTER INSERT ON resources
  WHEN NEW.kind = 'call' BEGIN
  UPDATE resources SET call_assistant_id = json_extract(NEW.document, '$.assistantId')
    WHERE seq = NEW.seq;
END;
CREATE TRIGGER resources_call_assistant_updated AFTER UPDATE OF document ON resources
  WHEN NEW.kind = 'call' BEGIN
  UPDATE resources SET call_assistant_id = json_extract(NEW.document, '$.assistantId')
    WHERE seq = NEW.seq;
END;
-- With kind, though it is always 'call' here: SQLite 3.40 covers a query from a partial
-- index only if the index holds every column the query names.
CREATE INDEX resources_calls_by_created
  ON resources(org_id, kind, created_at, call_assistant_id) WHERE kind = 'call';
)sql"},
    // 8: instances and the live calls they own (storage/instance_repository.hpp). One
    // instance per file: a restart ends the calls its previous run still owned.
    {R"sql(
CREATE TABLE instances (
  id        TEXT PRIMARY KEY,
  url       TEXT NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE TABLE call_owners (
  call_id     TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  since       INTEGER NOT NULL
);
CREATE INDEX call_owners_by_instance ON call_owners(instance_id);
)sql"},
    // 9: what happened in each live call (the insights' events table, analytics_sql.cpp):
    // counted by org, type and time; gone with the call (foreign keys are on).
    {R"sql(
CREATE TABLE call_events (
  seq     INTEGER PRIMARY KEY,
  org_id  TEXT NOT NULL,
  call_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  type    TEXT NOT NULL,
  at      INTEGER NOT NULL,  -- ms since the epoch
  data    TEXT NOT NULL      -- a JSON object: the fields the insights' filters name
);
CREATE INDEX call_events_by_type ON call_events(org_id, type, at);
CREATE INDEX call_events_by_call ON call_events(call_id);
)sql"},
};

constexpr int kLatest = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

int current_version(Connection& db) {
  auto& stmt = db.prepare("PRAGMA user_version");
  stmt.step();
  const int v = static_cast<int>(stmt.integer(0));
  stmt.reset();
  return v;
}

}  // namespace

int latest_schema_version() {
  return kLatest;
}

void migrate(Connection& db) {
  db.exec("BEGIN IMMEDIATE");
  try {
    const int version = current_version(db);
    check_schema_version(version, kLatest);
    for (int v = version; v < kLatest; ++v) {
      if (kMigrations[v].sql) db.exec(kMigrations[v].sql);
      if (kMigrations[v].run) kMigrations[v].run(db);
      db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    }
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace sb::storage::sqlite
