#include "storage/sqlite/sqlite_phone_number_repository.hpp"

#include <limits>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/where_clause.hpp"

namespace sb::storage::sqlite {
namespace {

constexpr const char* kColumns =
    "id, org_id, provider, number, sip_user, search_text, created_at, updated_at, document, "
    "secrets";

PhoneNumberRecord read_record(const Statement& s) {
  PhoneNumberRecord r;
  r.id = s.text(0);
  r.org_id = s.text(1);
  r.provider = s.text(2);
  r.number = s.optional_text(3);
  r.sip_user = s.optional_text(4);
  r.search_text = s.text(5);
  r.created_at = s.integer(6);
  r.updated_at = s.integer(7);
  r.document = s.text(8);
  r.sealed_secrets = s.blob(9);
  return r;
}

// Escapes LIKE wildcards so a search for "50%" matches the text "50%".
std::string like_pattern(std::string_view search) {
  std::string out = "%";
  for (char c : search) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

bool exists(Statement& stmt) {
  const bool found = stmt.step();
  stmt.reset();
  return found;
}

}  // namespace

std::optional<PhoneNumberRecord> SqlitePhoneNumberRepository::find(std::string_view org_id,
                                                                   std::string_view id) {
  static const std::string sql =
      std::string("SELECT ") + kColumns + " FROM phone_numbers WHERE id = ?1 AND org_id = ?2";
  auto& stmt = db_.prepare(sql).bind(1, id).bind(2, org_id);
  std::optional<PhoneNumberRecord> out;
  if (stmt.step()) out = read_record(stmt);
  stmt.reset();
  return out;
}

std::vector<std::string> SqlitePhoneNumberRepository::list(std::string_view org_id,
                                                           const TimeFilter& filter,
                                                           std::int64_t limit) {
  WhereClause where("org_id = ?1");
  where.add_time_filter(filter);
  const std::string sql = "SELECT document FROM phone_numbers WHERE " + where.sql() +
                          " ORDER BY created_at DESC, seq DESC LIMIT ?" +
                          std::to_string(where.next_index());
  auto& stmt = db_.prepare(sql).bind(1, org_id);
  where.bind(stmt);
  stmt.bind(where.next_index(), limit);
  std::vector<std::string> docs;
  while (stmt.step()) docs.emplace_back(stmt.text(0));
  stmt.reset();
  return docs;
}

DocumentPage SqlitePhoneNumberRepository::page(std::string_view org_id,
                                               const PhoneNumberPageQuery& q) {
  WhereClause where("org_id = ?1");
  where.add_time_filter(q.filter);
  if (!q.search.empty()) {
    const int i = where.add_text(like_pattern(q.search));
    const std::string p = "?" + std::to_string(i);
    where.add_sql("search_text LIKE " + p + " ESCAPE '\\'");
  }
  DocumentPage out;
  {
    auto& count = db_.prepare("SELECT COUNT(*) FROM phone_numbers WHERE " + where.sql());
    count.bind(1, org_id);
    where.bind(count);
    count.step();
    out.total = count.integer(0);
    count.reset();
  }
  const std::string order = q.ascending ? "ASC" : "DESC";
  const int li = where.next_index();
  const std::string sql = "SELECT document FROM phone_numbers WHERE " + where.sql() +
                          " ORDER BY created_at " + order + ", seq " + order + " LIMIT ?" +
                          std::to_string(li) + " OFFSET ?" + std::to_string(li + 1);
  // Pages past the end are empty, not an overflow.
  const std::int64_t max_page =
      std::numeric_limits<std::int64_t>::max() / std::max<std::int64_t>(q.limit, 1);
  const std::int64_t offset = (std::min(q.page, max_page) - 1) * q.limit;
  auto& stmt = db_.prepare(sql).bind(1, org_id);
  where.bind(stmt);
  stmt.bind(li, q.limit).bind(li + 1, offset);
  while (stmt.step()) out.documents.emplace_back(stmt.text(0));
  stmt.reset();
  return out;
}

void SqlitePhoneNumberRepository::insert(const PhoneNumberRecord& r) {
  auto& stmt = db_.prepare(
      "INSERT INTO phone_numbers (id, org_id, provider, number, sip_user, search_text, "
      "created_at, updated_at, document, secrets) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  stmt.bind(1, r.id).bind(2, r.org_id).bind(3, r.provider).bind(4, r.number).bind(5, r.sip_user);
  stmt.bind(6, r.search_text).bind(7, r.created_at).bind(8, r.updated_at).bind(9, r.document);
  if (r.sealed_secrets.empty())
    stmt.bind_null(10);
  else
    stmt.bind_blob(10, r.sealed_secrets);
  stmt.run();
}

void SqlitePhoneNumberRepository::update(const PhoneNumberRecord& r) {
  auto& stmt = db_.prepare(
      "UPDATE phone_numbers SET provider = ?3, number = ?4, sip_user = ?5, search_text = ?6, "
      "updated_at = ?7, document = ?8, secrets = ?9 "
      "WHERE id = ?1 AND org_id = ?2");
  stmt.bind(1, r.id).bind(2, r.org_id).bind(3, r.provider).bind(4, r.number).bind(5, r.sip_user);
  stmt.bind(6, r.search_text).bind(7, r.updated_at).bind(8, r.document);
  if (r.sealed_secrets.empty())
    stmt.bind_null(9);
  else
    stmt.bind_blob(9, r.sealed_secrets);
  stmt.run();
}

bool SqlitePhoneNumberRepository::remove(std::string_view org_id, std::string_view id) {
  db_.prepare("DELETE FROM phone_numbers WHERE id = ?1 AND org_id = ?2")
      .bind(1, id)
      .bind(2, org_id)
      .run();
  return db_.changes() > 0;
}

bool SqlitePhoneNumberRepository::number_taken(std::string_view org_id, std::string_view number,
                                               std::string_view except_id) {
  return exists(db_.prepare("SELECT 1 FROM phone_numbers WHERE org_id = ?1 AND number = ?2 "
                            "AND id <> ?3")
                    .bind(1, org_id)
                    .bind(2, number)
                    .bind(3, except_id));
}

bool SqlitePhoneNumberRepository::sip_user_taken(std::string_view sip_user,
                                                 std::string_view except_id) {
  return exists(db_.prepare("SELECT 1 FROM phone_numbers WHERE sip_user = ?1 AND id <> ?2")
                    .bind(1, sip_user)
                    .bind(2, except_id));
}

bool SqlitePhoneNumberRepository::pool_number_assigned(std::string_view number) {
  return exists(db_.prepare("SELECT 1 FROM phone_numbers WHERE provider = 'vapi' AND number = ?1")
                    .bind(1, number));
}

}  // namespace sb::storage::sqlite
