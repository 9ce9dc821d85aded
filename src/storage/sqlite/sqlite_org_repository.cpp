#include "storage/sqlite/sqlite_org_repository.hpp"

#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {

void SqliteOrgRepository::insert_org(std::string_view id, std::string_view name,
                                     std::int64_t created_at) {
  db_.prepare("INSERT INTO orgs (id, name, created_at) VALUES (?1, ?2, ?3)")
      .bind(1, id)
      .bind(2, name)
      .bind(3, created_at)
      .run();
}

void SqliteOrgRepository::insert_key(std::string_view key_hash, std::string_view org_id,
                                     KeyKind kind, std::int64_t created_at) {
  db_.prepare("INSERT INTO api_keys (key_hash, org_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, key_hash)
      .bind(2, org_id)
      .bind(3, std::string_view(kind == KeyKind::kPrivate ? "private" : "public"))
      .bind(4, created_at)
      .run();
}

bool SqliteOrgRepository::delete_key(std::string_view key_hash) {
  auto& find = db_.prepare("SELECT org_id FROM api_keys WHERE key_hash = ?1").bind(1, key_hash);
  std::optional<std::string> org;
  if (find.step()) org = std::string(find.text(0));
  find.reset();
  if (!org) return false;
  db_.prepare("DELETE FROM api_keys WHERE key_hash = ?1").bind(1, key_hash).run();
  changes_.push_back({std::string(kApiKeyKind), *org, std::string(key_hash), nullptr});
  return true;
}

std::optional<std::string> SqliteOrgRepository::org_for_private_key(std::string_view key_hash) {
  auto& stmt = db_.prepare("SELECT org_id FROM api_keys WHERE key_hash = ?1 AND kind = 'private'")
                   .bind(1, key_hash);
  std::optional<std::string> org;
  if (stmt.step()) org = std::string(stmt.text(0));
  stmt.reset();
  return org;
}

std::int64_t SqliteOrgRepository::org_count() {
  auto& stmt = db_.prepare("SELECT COUNT(*) FROM orgs");
  stmt.step();
  const auto n = stmt.integer(0);
  stmt.reset();
  return n;
}

std::optional<OrgRecord> SqliteOrgRepository::find_org(std::string_view id) {
  auto& stmt = db_.prepare(
                      "SELECT id, name, created_at, COALESCE(updated_at, created_at), settings "
                      "FROM orgs WHERE id = ?1")
                   .bind(1, id);
  std::optional<OrgRecord> org;
  if (stmt.step())
    org = OrgRecord{std::string(stmt.text(0)), std::string(stmt.text(1)), stmt.integer(2),
                    stmt.integer(3), std::string(stmt.text(4))};
  stmt.reset();
  return org;
}

void SqliteOrgRepository::update_org(const OrgRecord& org) {
  db_.prepare("UPDATE orgs SET name = ?2, settings = ?3, updated_at = ?4 WHERE id = ?1")
      .bind(1, org.id)
      .bind(2, org.name)
      .bind(3, org.settings)
      .bind(4, org.updated_at)
      .run();
}

}  // namespace sb::storage::sqlite
