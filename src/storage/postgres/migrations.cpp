#include "storage/postgres/migrations.hpp"

#include <stdexcept>
#include <string>

#include "storage/postgres/connection.hpp"
#include "storage/sql_fragments.hpp"

namespace sb::storage::postgres {
namespace {

// Append only: a released migration is never edited, a change is a new entry. The schema
// mirrors the SQLite one (sqlite/migrations.cpp) at its latest version, with documents as
// JSONB so filters on their fields run over a parsed value.
constexpr const char* kMigrations[] = {
    // 1: orgs, API keys, resources and their unique keys, the webhook outbox.
    R"sql(
CREATE TABLE orgs (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT,
  settings   TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE api_keys (
  key_hash   TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL REFERENCES orgs(id),
  kind       TEXT NOT NULL CHECK (kind IN ('private', 'public')),
  created_at BIGINT NOT NULL
);
-- Every configuration resource in one table: its API document plus the columns lists need.
-- The document is kept twice: as the exact text the API returns (JSONB would reorder its
-- keys and respell its numbers) and as JSONB for filters on its fields.
CREATE TABLE resources (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- tie-breaker for equal times
  kind        TEXT NOT NULL,
  id          TEXT NOT NULL UNIQUE,
  org_id      TEXT NOT NULL REFERENCES orgs(id),
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  document    TEXT NOT NULL,
  fields      JSONB GENERATED ALWAYS AS (document::jsonb) STORED,
  secrets     BYTEA,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resources_by_created ON resources(org_id, kind, created_at, seq);
CREATE INDEX resources_by_updated ON resources(org_id, kind, updated_at, seq);
CREATE INDEX resources_by_kind ON resources(kind, seq);
CREATE TABLE resource_keys (
  kind   TEXT NOT NULL,
  scope  TEXT NOT NULL,  -- the org id, or '*' for a key unique on the whole server
  name   TEXT NOT NULL,
  value  TEXT NOT NULL,
  holder TEXT NOT NULL,  -- id of the resource holding the key
  PRIMARY KEY (kind, scope, name, value)
);
-- A provider's callback names a key (a number, a provider call id), not an org.
CREATE INDEX resource_keys_by_value ON resource_keys(kind, name, value);
CREATE TABLE webhook_outbox (
  seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              TEXT NOT NULL,
  org_id          TEXT NOT NULL,
  stream          TEXT NOT NULL,
  server          TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error      TEXT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox(seq) WHERE status = 'pending';
CREATE INDEX webhook_outbox_delivered ON webhook_outbox(updated_at) WHERE status = 'delivered';
CREATE TABLE webhook_attempts (
  message_seq BIGINT NOT NULL,
  attempt     INTEGER NOT NULL,
  at          BIGINT NOT NULL,
  status_code INTEGER,
  latency_us  BIGINT NOT NULL,
  error       TEXT,
  PRIMARY KEY (message_seq, attempt)
);
)sql",
    // 2: outbox leases, so several instances claim messages (outbox_repository.hpp); pending
    // messages by stream, so a claim finds a stream's head without a scan.
    R"sql(
ALTER TABLE webhook_outbox ADD COLUMN lease_owner TEXT,
  ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX webhook_outbox_streams ON webhook_outbox(org_id, stream, seq)
  WHERE status = 'pending';
)sql",
    // 3: bytes of uploaded files, so every instance on the database serves every file; what
    // every instance must agree on (a check value of the secret key).
    R"sql(
CREATE TABLE server_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE blob_chunks (
  name  TEXT NOT NULL,
  seq   BIGINT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (name, seq)
);
)sql",
    // 4: analytics (storage/analytics_sql.cpp): a call's assistant as a column, and the calls
    // by org and creation time with it, so counting calls per assistant per day can read the
    // index only.
    R"sql(
ALTER TABLE resources ADD COLUMN call_assistant_id TEXT GENERATED ALWAYS AS
  (CASE WHEN kind = 'call' THEN document::jsonb ->> 'assistantId' END) STORED;
CREATE INDEX resources_calls_by_created ON resources(org_id, created_at, call_assistant_id)
  WHERE kind = 'call';
)sql",
    // 5: the instances on the database (a heartbeat each) and the live calls each owns
    // (storage/instance_repository.hpp), so what reaches another instance for a call is
    // forwarded to its owner, and the calls of an instance that died are ended by another.
    R"sql(
CREATE TABLE instances (
  id        TEXT PRIMARY KEY,
  url       TEXT NOT NULL,
  last_seen BIGINT NOT NULL
);
CREATE TABLE call_owners (
  call_id     TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  since       BIGINT NOT NULL
);
CREATE INDEX call_owners_by_instance ON call_owners(instance_id);
)sql",
    // 6: what happened in each live call (the insights' events table, analytics_sql.cpp):
    // counted by org, type and time; gone with the call.
    R"sql(
CREATE TABLE call_events (
  seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id  TEXT NOT NULL,
  call_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  type    TEXT NOT NULL,
  at      BIGINT NOT NULL,
  data    JSONB NOT NULL
);
CREATE INDEX call_events_by_type ON call_events(org_id, type, at);
CREATE INDEX call_events_by_call ON call_events(call_id);
)sql",
    // 7: large values (a document over about 2 KB with its parsed copy, a server message)
    // compressed with lz4 rather than pglz: a 2 KB create costs about 40 µs less of the
    // server's CPU, and reads no more. Only where PostgreSQL was built with lz4 (Debian's is);
    // elsewhere pglz stays.
    R"sql(
DO $$
BEGIN
  ALTER TABLE resources ALTER COLUMN document SET COMPRESSION lz4,
    ALTER COLUMN fields SET COMPRESSION lz4;
  ALTER TABLE webhook_outbox ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
// Any constant shared by every instance: the lock that serialises migrations.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7265746)";

}  // namespace

int latest_schema_version() {
  return kLatest;
}

void migrate(Connection& db) {
  db.exec("BEGIN");
  try {
    db.exec(kMigrationLock);
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    auto current = db.run("SELECT version FROM schema_version");
    int version = current.rows() > 0 ? static_cast<int>(current.integer(0, 0)) : 0;
    if (current.rows() == 0) db.exec("INSERT INTO schema_version VALUES (0)");
    check_schema_version(version, kLatest);
    for (; version < kLatest; ++version) db.exec(kMigrations[version]);
    db.run("UPDATE schema_version SET version = $1::integer", {version});
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace sb::storage::postgres
