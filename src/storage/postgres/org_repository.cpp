#include "storage/postgres/org_repository.hpp"

#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {

void PgOrgRepository::insert_org(std::string_view id, std::string_view name,
                                 std::int64_t created_at) {
  db_.run("INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)", {id, name, created_at});
}

void PgOrgRepository::insert_key(std::string_view key_hash, std::string_view org_id, KeyKind kind,
                                 std::int64_t created_at) {
  db_.run("INSERT INTO api_keys (key_hash, org_id, kind, created_at) VALUES ($1, $2, $3, $4)",
          {key_hash, org_id, kind == KeyKind::kPrivate ? "private" : "public", created_at});
}

bool PgOrgRepository::delete_key(std::string_view key_hash) {
  const auto r = db_.run("DELETE FROM api_keys WHERE key_hash = $1 RETURNING org_id", {key_hash});
  if (r.rows() == 0) return false;
  // Published, and NOTIFYed to the other instances, at the commit.
  changes_.push_back({std::string(kApiKeyKind), r.text(0, 0), std::string(key_hash), nullptr});
  return true;
}

std::optional<std::string> PgOrgRepository::org_for_private_key(std::string_view key_hash) {
  const auto r =
      db_.run("SELECT org_id FROM api_keys WHERE key_hash = $1 AND kind = 'private'", {key_hash});
  if (r.rows() == 0) return std::nullopt;
  return r.text(0, 0);
}

std::int64_t PgOrgRepository::org_count() {
  return db_.run("SELECT COUNT(*) FROM orgs").integer(0, 0);
}

std::optional<OrgRecord> PgOrgRepository::find_org(std::string_view id) {
  const auto r = db_.run(
      "SELECT id, name, created_at, COALESCE(updated_at, created_at), settings FROM orgs "
      "WHERE id = $1",
      {id});
  if (r.rows() == 0) return std::nullopt;
  return OrgRecord{r.text(0, 0), r.text(0, 1), r.integer(0, 2), r.integer(0, 3), r.text(0, 4)};
}

void PgOrgRepository::update_org(const OrgRecord& org) {
  db_.run("UPDATE orgs SET name = $2, settings = $3, updated_at = $4 WHERE id = $1",
          {org.id, org.name, org.settings, org.updated_at});
}

}  // namespace sb::storage::postgres
