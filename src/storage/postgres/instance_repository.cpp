#include "storage/postgres/instance_repository.hpp"

#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {
namespace {

std::vector<CallOwner> owners(const Result& r) {
  std::vector<CallOwner> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), "", 0});
  return out;
}

}  // namespace

void PgInstanceRepository::heartbeat(std::string_view instance, std::string_view url,
                                     std::int64_t now) {
  db_.run(
      "INSERT INTO instances (id, url, last_seen) VALUES ($1, $2, $3) "
      "ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, last_seen = EXCLUDED.last_seen",
      {instance, url, now});
}

void PgInstanceRepository::own_call(std::string_view call_id, std::string_view org_id,
                                    std::string_view instance, std::int64_t now) {
  db_.run(
      "INSERT INTO call_owners (call_id, org_id, instance_id, since) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (call_id) DO UPDATE SET org_id = EXCLUDED.org_id, "
      "instance_id = EXCLUDED.instance_id, since = EXCLUDED.since",
      {call_id, org_id, instance, now});
}

void PgInstanceRepository::disown_call(std::string_view call_id) {
  db_.run("DELETE FROM call_owners WHERE call_id = $1", {call_id});
}

std::optional<CallOwner> PgInstanceRepository::owner_of(std::string_view call_id) {
  const auto r = db_.run(
      "SELECT o.call_id, o.org_id, o.instance_id, COALESCE(i.url, ''), "
      "COALESCE(i.last_seen, 0) FROM call_owners o LEFT JOIN instances i ON i.id = o.instance_id "
      "WHERE o.call_id = $1",
      {call_id});
  if (r.rows() == 0) return std::nullopt;
  return CallOwner{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.integer(0, 4)};
}

std::vector<CallOwner> PgInstanceRepository::take_orphans(std::int64_t seen_before,
                                                          std::string_view except,
                                                          std::size_t limit) {
  return owners(
      db_.run("DELETE FROM call_owners WHERE call_id IN ("
              "  SELECT o.call_id FROM call_owners o LEFT JOIN instances i ON i.id = o.instance_id"
              "  WHERE o.instance_id <> $2 AND (i.id IS NULL OR i.last_seen < $1)"
              "  ORDER BY o.since LIMIT $3 FOR UPDATE OF o SKIP LOCKED) "
              "RETURNING call_id, org_id, instance_id",
              {seen_before, except, static_cast<std::int64_t>(limit)}));
}

std::vector<CallOwner> PgInstanceRepository::take_calls_of(std::string_view instance) {
  return owners(db_.run(
      "DELETE FROM call_owners WHERE instance_id = $1 RETURNING call_id, org_id, instance_id",
      {instance}));
}

}  // namespace sb::storage::postgres
