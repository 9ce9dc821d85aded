#include "storage/sqlite/migrations.hpp"

#include <stdexcept>
#include <string>

#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {
namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr const char* kMigrations[] = {
    // 1: orgs, API keys, phone numbers.
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
CREATE TABLE phone_numbers (
  seq        INTEGER PRIMARY KEY,  -- insertion order: the tie-breaker for equal timestamps
  id         TEXT NOT NULL UNIQUE,
  org_id     TEXT NOT NULL REFERENCES orgs(id),
  provider   TEXT NOT NULL,
  number     TEXT,
  sip_user   TEXT,
  -- name, number and sipUri, case-folded (Unicode), for the paginated list's search
  search_text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  document   TEXT NOT NULL,
  secrets    BLOB
);
CREATE UNIQUE INDEX phone_numbers_org_number ON phone_numbers(org_id, number)
  WHERE number IS NOT NULL;
CREATE UNIQUE INDEX phone_numbers_sip_user ON phone_numbers(sip_user)
  WHERE sip_user IS NOT NULL;
CREATE UNIQUE INDEX phone_numbers_vapi_number ON phone_numbers(number)
  WHERE provider = 'vapi' AND number IS NOT NULL;
CREATE INDEX phone_numbers_org_created ON phone_numbers(org_id, created_at, seq);
CREATE INDEX phone_numbers_org_updated ON phone_numbers(org_id, updated_at);
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
