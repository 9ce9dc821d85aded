#include "storage/sqlite/migrations.hpp"

#include <stdexcept>
#include <string>

#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {
namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr const char* kMigrations[] = {
    // 1: orgs, API keys, resources.
    R"sql(
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
)sql",
    // 2: keys are released by value (the service knows them from the document), so the index
    // by holder only cost a random page write per create.
    R"sql(
DROP INDEX resource_keys_by_holder;
)sql",
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
    if (version > kLatest)
      throw std::runtime_error("the database schema (version " + std::to_string(version) +
                               ") is newer than this binary supports (" + std::to_string(kLatest) +
                               ")");
    for (int v = version; v < kLatest; ++v) {
      db.exec(kMigrations[v]);
      db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    }
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace sb::storage::sqlite
