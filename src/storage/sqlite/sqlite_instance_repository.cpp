#include "storage/sqlite/sqlite_instance_repository.hpp"

#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {

void SqliteInstanceRepository::heartbeat(std::string_view instance, std::string_view url,
                                         std::int64_t now) {
  db_.prepare(
         "INSERT INTO instances (id, url, last_seen) VALUES (?1, ?2, ?3) "
         "ON CONFLICT (id) DO UPDATE SET url = excluded.url, last_seen = excluded.last_seen")
      .bind(1, instance)
      .bind(2, url)
      .bind(3, now)
      .run();
}

void SqliteInstanceRepository::own_call(std::string_view call_id, std::string_view org_id,
                                        std::string_view instance, std::int64_t now) {
  db_.prepare(
         "INSERT OR REPLACE INTO call_owners (call_id, org_id, instance_id, since) "
         "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, call_id)
      .bind(2, org_id)
      .bind(3, instance)
      .bind(4, now)
      .run();
}

void SqliteInstanceRepository::disown_call(std::string_view call_id) {
  db_.prepare("DELETE FROM call_owners WHERE call_id = ?1").bind(1, call_id).run();
}

std::optional<CallOwner> SqliteInstanceRepository::owner_of(std::string_view call_id) {
  auto& stmt = db_.prepare(
                      "SELECT o.call_id, o.org_id, o.instance_id, COALESCE(i.url, ''), "
                      "COALESCE(i.last_seen, 0) FROM call_owners o "
                      "LEFT JOIN instances i ON i.id = o.instance_id WHERE o.call_id = ?1")
                   .bind(1, call_id);
  std::optional<CallOwner> out;
  if (stmt.step())
    out = CallOwner{std::string(stmt.text(0)), std::string(stmt.text(1)), std::string(stmt.text(2)),
                    std::string(stmt.text(3)), stmt.integer(4)};
  stmt.reset();
  return out;
}

// Deletes the rows `select` (bound, not yet stepped) reads (call_id, org_id, instance_id): one
// writer, so nothing comes between.
std::vector<CallOwner> SqliteInstanceRepository::take(Statement& select) {
  std::vector<CallOwner> out;
  while (select.step())
    out.push_back({std::string(select.text(0)), std::string(select.text(1)),
                   std::string(select.text(2)), "", 0});
  select.reset();
  for (const auto& owner : out) disown_call(owner.call_id);
  return out;
}

std::vector<CallOwner> SqliteInstanceRepository::take_orphans(std::int64_t seen_before,
                                                              std::string_view except,
                                                              std::size_t limit) {
  return take(db_.prepare("SELECT o.call_id, o.org_id, o.instance_id FROM call_owners o "
                          "LEFT JOIN instances i ON i.id = o.instance_id "
                          "WHERE o.instance_id <> ?2 AND (i.id IS NULL OR i.last_seen < ?1) "
                          "ORDER BY o.since LIMIT ?3")
                  .bind(1, seen_before)
                  .bind(2, except)
                  .bind(3, static_cast<std::int64_t>(limit)));
}

std::vector<CallOwner> SqliteInstanceRepository::take_calls_of(std::string_view instance) {
  return take(db_.prepare("SELECT call_id, org_id, instance_id FROM call_owners "
                          "WHERE instance_id = ?1")
                  .bind(1, instance));
}

}  // namespace sb::storage::sqlite
