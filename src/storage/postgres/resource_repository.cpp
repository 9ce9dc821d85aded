#include "storage/postgres/resource_repository.hpp"

#include <algorithm>
#include <limits>

#include "storage/postgres/connection.hpp"
#include "storage/sql_fragments.hpp"

namespace sb::storage::postgres {
namespace {

constexpr std::string_view kServerWide = "*";
constexpr std::string_view kColumns =
    "id, org_id, created_at, updated_at, document, secrets, search_text";

std::string_view scope_of(const UniqueKey& key, std::string_view org_id) {
  return key.server_wide ? kServerWide : org_id;
}

// "customer.number" as a JSONB path literal: {customer,number}.
std::string json_path(std::string_view field) {
  std::string out = "{";
  for (char c : field) out.push_back(c == '.' ? ',' : c);
  out.push_back('}');
  return out;
}

// Conditions joined by AND, with $n parameters numbered in order.
class Where {
 public:
  std::string add(Param p) {
    params_.push_back(std::move(p));
    return "$" + std::to_string(params_.size());
  }
  void sql(const std::string& condition) {
    sql_ += sql_.empty() ? "" : " AND ";
    sql_ += condition;
  }
  const std::string& sql() const { return sql_; }
  std::vector<Param>& params() { return params_; }

  void field_filter(const FieldFilter& f) {
    if (f.op == FieldFilter::Op::kContains) {
      sql("search_text LIKE " + add(like_pattern(f.values.empty() ? "" : f.values.front())) +
          " ESCAPE '\\'");
      return;
    }
    if (f.values.empty()) {
      sql("FALSE");  // "any of nothing" matches nothing
      return;
    }
    std::string list;
    for (const auto& v : f.values) {
      if (!list.empty()) list += ", ";
      if (f.field == "id")
        list += add(v);
      else if (f.type == FieldFilter::Type::kText)
        list += "to_jsonb(" + add(v) + "::text)";
      else if (f.type == FieldFilter::Type::kBoolean)
        list += add(v == "true" ? "true" : "false") + "::jsonb";
      else
        list += "to_jsonb(" + add(v) + "::numeric)";
    }
    if (f.field == "id")
      sql("id IN (" + list + ")");
    else
      sql("fields #> " + add(json_path(f.field)) + "::text[] IN (" + list + ")");
  }

 private:
  std::string sql_;
  std::vector<Param> params_;
};

// Rows of kColumns as records of `kind`.
std::vector<ResourceRecord> read_records(const Result& r, std::string_view kind) {
  std::vector<ResourceRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    auto& rec = out.emplace_back();
    rec.kind = kind;
    rec.id = r.text(i, 0);
    rec.org_id = r.text(i, 1);
    rec.created_at = r.integer(i, 2);
    rec.updated_at = r.integer(i, 3);
    rec.document = r.text(i, 4);
    rec.sealed_secrets = r.bytes(i, 5);
    rec.search_text = r.text(i, 6);
  }
  return out;
}

Param secrets_of(const ResourceRecord& r) {
  return r.sealed_secrets.empty() ? Param::null() : Param::bytes(r.sealed_secrets);
}

}  // namespace

std::optional<ResourceRecord> PgResourceRepository::find(std::string_view kind,
                                                         std::string_view org_id,
                                                         std::string_view id) {
  return select(kind, org_id, id, writer_);
}

std::optional<ResourceRecord> PgResourceRepository::find_unlocked(std::string_view kind,
                                                                  std::string_view org_id,
                                                                  std::string_view id) {
  return select(kind, org_id, id, false);
}

std::optional<ResourceRecord> PgResourceRepository::select(std::string_view kind,
                                                           std::string_view org_id,
                                                           std::string_view id, bool lock) {
  const auto r = db_.run(std::string("SELECT ") + std::string(kColumns) +
                             " FROM resources WHERE id = $1 AND org_id = $2 AND kind = $3" +
                             (lock ? " FOR UPDATE" : ""),
                         {id, org_id, kind});
  auto records = read_records(r, kind);
  if (records.empty()) return std::nullopt;
  return std::move(records.front());
}

DocumentPage PgResourceRepository::list(std::string_view kind, std::string_view org_id,
                                        const ResourceQuery& q) {
  Where where;
  where.sql("org_id = " + where.add(org_id));
  where.sql("kind = " + where.add(kind));
  for_each_bound(q.time, [&](const char* column, const char* op, std::int64_t value) {
    where.sql(std::string(column) + ' ' + op + ' ' + where.add(value) + "::bigint");
  });
  for (const auto& f : q.fields) where.field_filter(f);

  DocumentPage out;
  if (q.page > 0)
    out.total = db_.run("SELECT COUNT(*) FROM resources WHERE " + where.sql(), where.params())
                    .integer(0, 0);
  const std::string column = q.by_updated_at ? "updated_at" : "created_at";
  const std::string order = q.ascending ? " ASC" : " DESC";
  // Pages past the end are empty, not an overflow.
  const std::int64_t max_page =
      std::numeric_limits<std::int64_t>::max() / std::max<std::int64_t>(q.limit, 1);
  const std::int64_t offset = q.page > 0 ? (std::min(q.page, max_page) - 1) * q.limit : 0;
  const std::string limit = where.add(q.limit);
  const std::string skip = where.add(offset);
  const auto r = db_.run("SELECT document FROM resources WHERE " + where.sql() + " ORDER BY " +
                             column + order + ", seq" + order + " LIMIT " + limit +
                             "::bigint OFFSET " + skip + "::bigint",
                         where.params());
  for (int i = 0; i < r.rows(); ++i) out.documents.push_back(r.text(i, 0));
  return out;
}

void PgResourceRepository::insert(const ResourceRecord& r) {
  // Sent with the job's next statement (or at its end): a failure is still the job's.
  db_.defer_write(
      "INSERT INTO resources (kind, id, org_id, created_at, updated_at, document, secrets, "
      "search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {r.kind, r.id, r.org_id, r.created_at, r.updated_at, r.document, secrets_of(r),
       r.search_text});
  record({r.kind, r.org_id, r.id, std::make_shared<const std::string>(r.document)});
}

void PgResourceRepository::update(const ResourceRecord& r) {
  const auto result = db_.run(
      "UPDATE resources SET updated_at = $4, document = $5, secrets = $6, search_text = $7 "
      "WHERE id = $1 AND org_id = $2 AND kind = $3",
      {r.id, r.org_id, r.kind, r.updated_at, r.document, secrets_of(r), r.search_text});
  if (result.affected() > 0)
    record({r.kind, r.org_id, r.id, std::make_shared<const std::string>(r.document)});
}

bool PgResourceRepository::remove(std::string_view kind, std::string_view org_id,
                                  std::string_view id, const std::vector<UniqueKey>& held) {
  const bool removed = db_.run("DELETE FROM resources WHERE id = $1 AND org_id = $2 AND kind = $3",
                               {id, org_id, kind})
                           .affected() > 0;
  if (removed) {
    release_keys(kind, org_id, id, held);
    record({std::string(kind), std::string(org_id), std::string(id), nullptr});
  }
  return removed;
}

void PgResourceRepository::record(ResourceChange change) {
  changes_.push_back(std::move(change));
}

void PgResourceRepository::release_keys(std::string_view kind, std::string_view org_id,
                                        std::string_view id, const std::vector<UniqueKey>& keys) {
  for (const auto& key : keys)
    db_.run(
        "DELETE FROM resource_keys WHERE kind = $1 AND scope = $2 AND name = $3 AND value = $4 "
        "AND holder = $5",
        {kind, scope_of(key, org_id), key.name, key.value, id});
}

// Never "select, then insert": each key is inserted with ON CONFLICT DO NOTHING and the row
// count says whether this claim won (a concurrent claimer's insert waits for ours to end).
// A lost key undoes the claim's other changes through a savepoint. A claim with nothing to
// undo (no key held, one wanted: most creates) takes none, which saves two round trips.
std::optional<UniqueKey> PgResourceRepository::claim_keys(std::string_view kind,
                                                          std::string_view org_id,
                                                          std::string_view id,
                                                          const std::vector<UniqueKey>& held,
                                                          const std::vector<UniqueKey>& wanted) {
  const bool undoable = !held.empty() || wanted.size() > 1;
  if (undoable) db_.exec("SAVEPOINT claim");
  release_keys(kind, org_id, id, held);
  for (const auto& key : wanted) {
    const auto inserted = db_.run(
        "INSERT INTO resource_keys (kind, scope, name, value, holder) VALUES ($1, $2, $3, $4, "
        "$5) ON CONFLICT DO NOTHING",
        {kind, scope_of(key, org_id), key.name, key.value, id});
    if (inserted.affected() == 1) continue;
    // Held already, by this resource (listed twice) or by another.
    const auto holder = db_.run(
        "SELECT holder FROM resource_keys WHERE kind = $1 AND scope = $2 AND name = $3 AND "
        "value = $4",
        {kind, scope_of(key, org_id), key.name, key.value});
    if (holder.rows() > 0 && holder.text(0, 0) == id) continue;
    if (undoable) db_.exec("ROLLBACK TO claim; RELEASE claim");
    return key;
  }
  if (undoable) db_.exec("RELEASE claim");
  return std::nullopt;
}

std::vector<ResourceRecord> PgResourceRepository::find_by_key_in_any_org(std::string_view kind,
                                                                         std::string_view name,
                                                                         std::string_view value) {
  const auto r = db_.run(
      "SELECT r.id, r.org_id, r.created_at, r.updated_at, r.document, r.secrets, r.search_text "
      "FROM resource_keys k JOIN resources r ON r.id = k.holder WHERE k.kind = $1 AND "
      "k.name = $2 AND k.value = $3 AND r.kind = $1 ORDER BY r.seq",
      {kind, name, value});
  return read_records(r, kind);
}

std::vector<ResourceRecord> PgResourceRepository::find_in_any_org(
    std::string_view kind, const std::vector<FieldFilter>& fields) {
  Where where;
  where.sql("kind = " + where.add(kind));
  for (const auto& f : fields) where.field_filter(f);
  const auto r = db_.run(std::string("SELECT ") + std::string(kColumns) + " FROM resources WHERE " +
                             where.sql() + " ORDER BY seq",
                         where.params());
  return read_records(r, kind);
}

bool PgResourceRepository::key_taken(std::string_view kind, std::string_view org_id,
                                     const UniqueKey& key) {
  return db_.run(
                "SELECT 1 FROM resource_keys WHERE kind = $1 AND scope = $2 AND name = $3 AND "
                "value = $4",
                {kind, scope_of(key, org_id), key.name, key.value})
             .rows() > 0;
}

}  // namespace sb::storage::postgres
