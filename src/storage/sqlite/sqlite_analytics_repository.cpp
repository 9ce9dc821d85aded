#include "storage/sqlite/sqlite_analytics_repository.hpp"

#include <sqlite3.h>

#include "storage/analytics_sql.hpp"
#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {
namespace {

using Clock = std::chrono::steady_clock;

// Interrupts the statement once the deadline has passed (checked every kProgressSteps
// virtual-machine instructions); removed when the query is done, however it ends.
class Deadline {
 public:
  static constexpr int kProgressSteps = 1000;
  Deadline(sqlite3* db, std::chrono::milliseconds timeout) : db_(db), at_(Clock::now() + timeout) {
    sqlite3_progress_handler(db_, kProgressSteps, &Deadline::check, this);
  }
  ~Deadline() { sqlite3_progress_handler(db_, 0, nullptr, nullptr); }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  bool passed() const { return Clock::now() >= at_; }

 private:
  static int check(void* self) { return static_cast<Deadline*>(self)->passed() ? 1 : 0; }
  sqlite3* db_;
  Clock::time_point at_;
};

}  // namespace

void SqliteAnalyticsRepository::record_call_events(std::string_view org_id,
                                                   std::string_view call_id,
                                                   const std::vector<CallEvent>& events) {
  if (events.empty()) return;
  db_.prepare(
         "INSERT INTO call_events (org_id, call_id, type, at, data) SELECT ?1, ?2, "
         "json_extract(value, '$.type'), json_extract(value, '$.at'), "
         "json_extract(value, '$.data') FROM json_each(?3)")
      .bind(1, org_id)
      .bind(2, call_id)
      .bind(3, call_events_json(events))
      .run();
}

std::vector<AnalyticsRow> SqliteAnalyticsRepository::aggregate_calls(
    std::string_view org_id, const AnalyticsRequest& request) {
  const auto compiled = compile_analytics(org_id, request, SqlDialect::kSqlite);
  // Not cached: the text varies with the request's shape.
  Statement stmt(db_.handle(), compiled.sql);
  for (std::size_t i = 0; i < compiled.params.size(); ++i)
    stmt.bind(static_cast<int>(i + 1), compiled.params[i]);
  const int groups = static_cast<int>(request.group_paths.size());
  std::vector<AnalyticsRow> rows;
  Deadline deadline(db_.handle(), request.timeout);
  try {
    while (stmt.step()) {
      if (rows.size() >= request.max_rows)
        throw AnalyticsTooManyRows("more than " + std::to_string(request.max_rows) + " groups");
      auto& row = rows.emplace_back();
      row.bucket = static_cast<std::size_t>(stmt.integer(0));
      for (int g = 0; g < groups; ++g) row.groups.push_back(stmt.optional_text(1 + g));
      row.numbers.resize(request.aggregates.size());
      row.histories.resize(request.aggregates.size());
      for (std::size_t a = 0; a < request.aggregates.size(); ++a) {
        const int c = 1 + groups + static_cast<int>(a);
        if (request.aggregates[a].op == AnalyticsAggregate::Op::kHistory)
          row.histories[a] = parse_history(stmt.text(c));
        else if (!stmt.is_null(c))
          row.numbers[a] = stmt.real(c);
      }
    }
  } catch (const SqliteError& e) {
    if ((e.code() & 0xff) == SQLITE_INTERRUPT && deadline.passed())
      throw AnalyticsTimeout("the query ran past " + std::to_string(request.timeout.count()) +
                             " ms");
    throw;
  }
  return rows;
}

}  // namespace sb::storage::sqlite
