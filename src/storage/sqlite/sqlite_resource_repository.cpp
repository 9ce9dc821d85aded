#include "storage/sqlite/sqlite_resource_repository.hpp"

#include <limits>

#include "storage/sql_fragments.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/where_clause.hpp"

namespace sb::storage::sqlite {
namespace {

constexpr std::string_view kServerWide = "*";

std::string_view scope_of(const UniqueKey& key, std::string_view org_id) {
  return key.server_wide ? kServerWide : org_id;
}

// "?3, ?4, ?5" for each value, bound as the filter's type says.
// The stored columns of a record, read from `stmt` starting at column `first`:
// created_at, updated_at, document, secrets, search_text.
void read_stored_columns(const Statement& stmt, int first, ResourceRecord& r) {
  r.created_at = stmt.integer(first);
  r.updated_at = stmt.integer(first + 1);
  r.document = stmt.text(first + 2);
  r.sealed_secrets = stmt.blob(first + 3);
  r.search_text = stmt.text(first + 4);
}

// The records of `kind` in the rows of `stmt`: id, org_id, then the stored columns.
std::vector<ResourceRecord> read_records(Statement& stmt, std::string_view kind) {
  std::vector<ResourceRecord> out;
  while (stmt.step()) {
    auto& r = out.emplace_back();
    r.kind = kind;
    r.id = stmt.text(0);
    r.org_id = stmt.text(1);
    read_stored_columns(stmt, 2, r);
  }
  stmt.reset();
  return out;
}

std::string placeholders(WhereClause& where, const FieldFilter& f) {
  std::string list;
  for (const auto& v : f.values) {
    int i = 0;
    switch (f.type) {
      case FieldFilter::Type::kText:
        i = where.add_text(v);
        break;
      case FieldFilter::Type::kBoolean:
        i = where.add_integer(v == "true" ? 1 : 0);  // json_extract gives 1/0 for booleans
        break;
      case FieldFilter::Type::kNumber:
        i = where.add_real(std::stod(v));
        break;
    }
    if (!list.empty()) list += ", ";
    list += '?';  // appended apart: GCC 12 warns (-Wrestrict) on "?" + std::to_string(i)
    list += std::to_string(i);
  }
  return list;
}

void add_field_filter(WhereClause& where, const FieldFilter& f) {
  if (f.op == FieldFilter::Op::kContains) {
    const int i = where.add_text(like_pattern(f.values.empty() ? "" : f.values.front()));
    where.add_sql("search_text LIKE ?" + std::to_string(i) + " ESCAPE '\\'");
    return;
  }
  if (f.values.empty()) {
    where.add_sql("0");  // "any of nothing" matches nothing
    return;
  }
  if (f.field == "id") {
    where.add_sql("id IN (" + placeholders(where, f) + ")");
    return;
  }
  const int path = where.add_text("$." + f.field);
  where.add_sql("json_extract(document, ?" + std::to_string(path) + ") IN (" +
                placeholders(where, f) + ")");
}

}  // namespace

std::optional<ResourceRecord> SqliteResourceRepository::find(std::string_view kind,
                                                             std::string_view org_id,
                                                             std::string_view id) {
  auto& stmt = db_.prepare(
                      "SELECT created_at, updated_at, document, secrets, search_text "
                      "FROM resources WHERE id = ?1 AND org_id = ?2 AND kind = ?3")
                   .bind(1, id)
                   .bind(2, org_id)
                   .bind(3, kind);
  std::optional<ResourceRecord> out;
  if (stmt.step()) {
    out.emplace();
    out->kind = kind;
    out->id = id;
    out->org_id = org_id;
    read_stored_columns(stmt, 0, *out);
  }
  stmt.reset();
  return out;
}

DocumentPage SqliteResourceRepository::list(std::string_view kind, std::string_view org_id,
                                            const ResourceQuery& q) {
  WhereClause where("org_id = ?1");
  where.add_sql("kind = ?" + std::to_string(where.add_text(std::string(kind))));
  where.add_time_filter(q.time);
  for (const auto& f : q.fields) add_field_filter(where, f);

  DocumentPage out;
  if (q.page > 0) {
    auto& count = db_.prepare("SELECT COUNT(*) FROM resources WHERE " + where.sql());
    count.bind(1, org_id);
    where.bind(count);
    count.step();
    out.total = count.integer(0);
    count.reset();
  }
  const std::string column = q.by_updated_at ? "updated_at" : "created_at";
  const std::string order = q.ascending ? " ASC" : " DESC";
  const int li = where.next_index();
  const std::string sql = "SELECT document FROM resources WHERE " + where.sql() + " ORDER BY " +
                          column + order + ", seq" + order + " LIMIT ?" + std::to_string(li) +
                          " OFFSET ?" + std::to_string(li + 1);
  // Pages past the end are empty, not an overflow.
  const std::int64_t max_page =
      std::numeric_limits<std::int64_t>::max() / std::max<std::int64_t>(q.limit, 1);
  const std::int64_t offset = q.page > 0 ? (std::min(q.page, max_page) - 1) * q.limit : 0;
  auto& stmt = db_.prepare(sql).bind(1, org_id);
  where.bind(stmt);
  stmt.bind(li, q.limit).bind(li + 1, offset);
  while (stmt.step()) out.documents.emplace_back(stmt.text(0));
  stmt.reset();
  return out;
}

void SqliteResourceRepository::insert(const ResourceRecord& r) {
  auto& stmt = db_.prepare(
      "INSERT INTO resources (kind, id, org_id, created_at, updated_at, document, secrets, "
      "search_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  stmt.bind(1, r.kind).bind(2, r.id).bind(3, r.org_id).bind(4, r.created_at);
  stmt.bind(5, r.updated_at).bind(6, r.document).bind(8, r.search_text);
  if (r.sealed_secrets.empty())
    stmt.bind_null(7);
  else
    stmt.bind_blob(7, r.sealed_secrets);
  stmt.run();
  changes_.push_back({r.kind, r.org_id, r.id, std::make_shared<const std::string>(r.document)});
}

void SqliteResourceRepository::update(const ResourceRecord& r) {
  auto& stmt = db_.prepare(
      "UPDATE resources SET updated_at = ?4, document = ?5, secrets = ?6, search_text = ?7 "
      "WHERE id = ?1 AND org_id = ?2 AND kind = ?3");
  stmt.bind(1, r.id).bind(2, r.org_id).bind(3, r.kind).bind(4, r.updated_at);
  stmt.bind(5, r.document).bind(7, r.search_text);
  if (r.sealed_secrets.empty())
    stmt.bind_null(6);
  else
    stmt.bind_blob(6, r.sealed_secrets);
  stmt.run();
  if (db_.changes() > 0)
    changes_.push_back({r.kind, r.org_id, r.id, std::make_shared<const std::string>(r.document)});
}

bool SqliteResourceRepository::remove(std::string_view kind, std::string_view org_id,
                                      std::string_view id, const std::vector<UniqueKey>& held) {
  db_.prepare("DELETE FROM resources WHERE id = ?1 AND org_id = ?2 AND kind = ?3")
      .bind(1, id)
      .bind(2, org_id)
      .bind(3, kind)
      .run();
  const bool removed = db_.changes() > 0;
  if (removed) {
    release_keys(kind, org_id, id, held);
    changes_.push_back({std::string(kind), std::string(org_id), std::string(id), nullptr});
  }
  return removed;
}

void SqliteResourceRepository::release_keys(std::string_view kind, std::string_view org_id,
                                            std::string_view id,
                                            const std::vector<UniqueKey>& keys) {
  for (const auto& key : keys)
    db_.prepare(
           "DELETE FROM resource_keys WHERE kind = ?1 AND scope = ?2 AND name = ?3 AND "
           "value = ?4 AND holder = ?5")
        .bind(1, kind)
        .bind(2, scope_of(key, org_id))
        .bind(3, key.name)
        .bind(4, key.value)
        .bind(5, id)
        .run();
}

std::optional<UniqueKey> SqliteResourceRepository::claim_keys(
    std::string_view kind, std::string_view org_id, std::string_view id,
    const std::vector<UniqueKey>& held, const std::vector<UniqueKey>& wanted) {
  for (const auto& key : wanted) {
    auto& holder = db_.prepare(
                          "SELECT holder FROM resource_keys WHERE kind = ?1 AND scope = ?2 AND "
                          "name = ?3 AND value = ?4")
                       .bind(1, kind)
                       .bind(2, scope_of(key, org_id))
                       .bind(3, key.name)
                       .bind(4, key.value);
    const bool taken = holder.step() && holder.text(0) != id;
    holder.reset();
    if (taken) return key;
  }
  release_keys(kind, org_id, id, held);
  for (const auto& key : wanted)
    db_.prepare(
           "INSERT OR IGNORE INTO resource_keys (kind, scope, name, value, holder) "
           "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, kind)
        .bind(2, scope_of(key, org_id))
        .bind(3, key.name)
        .bind(4, key.value)
        .bind(5, id)
        .run();
  return std::nullopt;
}

std::vector<ResourceRecord> SqliteResourceRepository::find_by_key_in_any_org(
    std::string_view kind, std::string_view name, std::string_view value) {
  // `scope IN (orgs, '*')` lets SQLite probe the key's primary key once per org (and once for
  // the server-wide scope) rather than scan every key of the kind: a server has few orgs and
  // may have very many numbers.
  auto& stmt = db_.prepare(
                      "SELECT r.id, r.org_id, r.created_at, r.updated_at, r.document, r.secrets, "
                      "r.search_text FROM resource_keys k JOIN resources r ON r.id = k.holder "
                      "WHERE k.kind = ?1 AND k.scope IN (SELECT id FROM orgs UNION ALL SELECT ?4) "
                      "AND k.name = ?2 "
                      "AND k.value = ?3 AND r.kind = ?1 ORDER BY r.seq")
                   .bind(1, kind)
                   .bind(2, name)
                   .bind(3, value)
                   .bind(4, kServerWide);
  return read_records(stmt, kind);
}

std::vector<ResourceRecord> SqliteResourceRepository::find_in_any_org(
    std::string_view kind, const std::vector<FieldFilter>& fields) {
  WhereClause where("kind = ?1");
  for (const auto& f : fields) add_field_filter(where, f);
  auto& stmt = db_.prepare(
                      "SELECT id, org_id, created_at, updated_at, document, secrets, search_text "
                      "FROM resources WHERE " +
                      where.sql() + " ORDER BY seq")
                   .bind(1, kind);
  where.bind(stmt);
  return read_records(stmt, kind);
}

bool SqliteResourceRepository::key_taken(std::string_view kind, std::string_view org_id,
                                         const UniqueKey& key) {
  auto& stmt = db_.prepare(
                      "SELECT 1 FROM resource_keys WHERE kind = ?1 AND scope = ?2 AND name = ?3 "
                      "AND value = ?4")
                   .bind(1, kind)
                   .bind(2, scope_of(key, org_id))
                   .bind(3, key.name)
                   .bind(4, key.value);
  const bool taken = stmt.step();
  stmt.reset();
  return taken;
}

}  // namespace sb::storage::sqlite
