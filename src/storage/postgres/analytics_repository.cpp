#include "storage/postgres/analytics_repository.hpp"

#include <string>

#include "storage/analytics_sql.hpp"
#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {
namespace {

constexpr const char* kQueryCanceled = "57014";

// statement_timeout for this connection's next statements, back to none when done. Reads run
// outside a transaction, so the reset runs even after the query failed.
class StatementTimeout {
 public:
  StatementTimeout(Connection& db, std::chrono::milliseconds timeout) : db_(db) {
    db_.exec("SET statement_timeout = " + std::to_string(std::max<long long>(1, timeout.count())));
  }
  ~StatementTimeout() {
    try {
      db_.exec("SET statement_timeout = 0");
    } catch (...) {  // a lost connection: the next statement opens it again, reset
    }
  }
  StatementTimeout(const StatementTimeout&) = delete;
  StatementTimeout& operator=(const StatementTimeout&) = delete;

 private:
  Connection& db_;
};

}  // namespace

void PgAnalyticsRepository::record_call_events(std::string_view org_id, std::string_view call_id,
                                               const std::vector<CallEvent>& events) {
  if (events.empty()) return;
  db_.run(
      "INSERT INTO call_events (org_id, call_id, type, at, data) SELECT $1, $2, x.type, x.at, "
      "x.data FROM jsonb_to_recordset($3::jsonb) AS x(type text, at bigint, data jsonb)",
      {org_id, call_id, call_events_json(events)});
}

std::vector<AnalyticsRow> PgAnalyticsRepository::aggregate_calls(std::string_view org_id,
                                                                 const AnalyticsRequest& request) {
  const auto compiled = compile_analytics(org_id, request, SqlDialect::kPostgres);
  std::vector<Param> params(compiled.params.begin(), compiled.params.end());
  std::optional<Result> result;
  try {
    StatementTimeout timeout(db_, request.timeout);
    result = db_.run_once(compiled.sql, params);
  } catch (const PgError& e) {
    if (e.sqlstate() == kQueryCanceled)
      throw AnalyticsTimeout("the query ran past " + std::to_string(request.timeout.count()) +
                             " ms");
    throw;
  }
  const auto& r = *result;
  if (static_cast<std::size_t>(r.rows()) > request.max_rows)
    throw AnalyticsTooManyRows("more than " + std::to_string(request.max_rows) + " groups");
  const int groups = static_cast<int>(request.group_paths.size());
  std::vector<AnalyticsRow> rows(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    auto& row = rows[static_cast<std::size_t>(i)];
    row.bucket = static_cast<std::size_t>(r.integer(i, 0));
    for (int g = 0; g < groups; ++g)
      row.groups.push_back(r.is_null(i, 1 + g) ? std::nullopt
                                               : std::optional<std::string>(r.text(i, 1 + g)));
    row.numbers.resize(request.aggregates.size());
    row.histories.resize(request.aggregates.size());
    for (std::size_t a = 0; a < request.aggregates.size(); ++a) {
      const int c = 1 + groups + static_cast<int>(a);
      if (request.aggregates[a].op == AnalyticsAggregate::Op::kHistory)
        row.histories[a] = parse_history(r.text(i, c));
      else if (!r.is_null(i, c))
        row.numbers[a] = std::stod(r.text(i, c));
    }
  }
  return rows;
}

}  // namespace sb::storage::postgres
