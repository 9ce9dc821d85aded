// POST /analytics's engine over many calls (bench/analytics.sh): seeds `calls` calls spread over
// the last 365 days into one org (once; straight into the database, in one transaction), then
// runs a dashboard's query set `iterations` times through the server's own code
// (domain/analytics → storage), printing p50/p99 per query.
//
//   analytics_bench --database PATH|postgres://... [--calls 1000000] [--iterations 30]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "domain/analytics/analytics_query.hpp"
#include "storage/org_repository.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace sb;
constexpr const char* kOrg = "bench-org";
constexpr std::int64_t kDayMs = 86400000;

// Deterministic pseudo-random numbers (the same calls every run).
struct Lcg {
  std::uint64_t s = 42;
  std::uint64_t next() { return (s = s * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; }
  std::uint64_t wide() { return (next() << 31) ^ next(); }  // 62 bits: a year of ms needs 35
};

const char* kTypes[] = {"inboundPhoneCall", "outboundPhoneCall", "webCall"};
const char* kReasons[] = {"customer-ended-call", "assistant-ended-call", "silence-timed-out",
                          "customer-did-not-answer", "voicemail"};

std::string call_document(const std::string& id, EpochMs created, Lcg& rng) {
  const auto assistant = rng.next() % 20;
  const auto duration_ms = static_cast<std::int64_t>(rng.next() % 600000);
  const double cost = static_cast<double>(rng.next() % 10000) / 1000.0;
  return std::string("{\"id\":\"") + id + "\",\"orgId\":\"" + kOrg + "\",\"type\":\"" +
         kTypes[rng.next() % 3] + "\",\"status\":\"ended\",\"endedReason\":\"" +
         kReasons[rng.next() % 5] + "\",\"createdAt\":\"" + format_iso8601(created) +
         "\",\"updatedAt\":\"" + format_iso8601(created) + "\",\"startedAt\":\"" +
         format_iso8601(created) + "\",\"endedAt\":\"" + format_iso8601(created + duration_ms) +
         "\",\"assistantId\":\"assistant-" + std::to_string(assistant) +
         "\",\"cost\":" + std::to_string(cost) +
         ",\"costBreakdown\":{\"llm\":" + std::to_string(cost / 2) +
         ",\"stt\":0.01,\"tts\":0.02},\"analysis\":{\"summary\":\"" +
         "The customer asked about their order and the assistant answered.\"," +
         "\"successEvaluation\":\"" + (rng.next() % 2 ? "true" : "false") +
         "\"},\"assistantOverrides\":{\"variableValues\":{\"plan\":\"" +
         (rng.next() % 3 ? "gold" : "silver") + "\"}}}";
}

void seed_sqlite(const std::string& path, std::int64_t calls, EpochMs now) {
  sb::storage::sqlite::Connection db(path, sb::storage::sqlite::Connection::Mode::kReadWrite);
  // A throwaway bench file: no fsync while seeding, in transactions of 50,000 calls so the
  // WAL is checkpointed as it goes.
  db.exec("PRAGMA synchronous = OFF");
  db.exec("PRAGMA cache_size = -262144");
  auto& count = db.prepare("SELECT COUNT(*) FROM resources WHERE org_id = ?1 AND kind = 'call'");
  count.bind(1, std::string(kOrg));
  count.step();
  const auto have = count.integer(0);
  count.reset();
  if (have >= calls) return;
  std::fprintf(stderr, "seeding %lld calls into %s ...\n", static_cast<long long>(calls - have),
               path.c_str());
  Lcg rng;
  db.exec("BEGIN");
  auto& insert = db.prepare(
      "INSERT INTO resources (kind, id, org_id, created_at, updated_at, document) "
      "VALUES ('call', ?1, ?2, ?3, ?3, ?4)");
  for (std::int64_t i = have; i < calls; ++i) {
    if (i > have && i % 50000 == 0) db.exec("COMMIT; BEGIN");
    const EpochMs created = now - 365 * kDayMs + static_cast<EpochMs>(rng.wide() % (365 * kDayMs));
    const std::string id = "bench-call-" + std::to_string(i);
    insert.reset();
    insert.bind(1, id).bind(2, std::string(kOrg)).bind(3, created);
    insert.bind(4, call_document(id, created, rng));
    insert.run();
  }
  db.exec("COMMIT");
  db.exec("ANALYZE");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void seed_postgres(const std::string& url, std::int64_t calls, EpochMs now) {
  sb::storage::postgres::Connection db(url, "");
  const auto have =
      db.run("SELECT COUNT(*) FROM resources WHERE org_id = $1 AND kind = 'call'", {kOrg})
          .integer(0, 0);
  if (have >= calls) return;
  std::fprintf(stderr, "seeding %lld calls into PostgreSQL ...\n",
               static_cast<long long>(calls - have));
  Lcg rng;
  constexpr std::int64_t kBatch = 5000;
  db.exec("BEGIN");
  for (std::int64_t start = have; start < calls; start += kBatch) {
    std::string ids = "{", created = "{";
    boost::json::array documents;
    for (std::int64_t i = start; i < std::min(calls, start + kBatch); ++i) {
      const EpochMs at = now - 365 * kDayMs + static_cast<EpochMs>(rng.wide() % (365 * kDayMs));
      const std::string id = "bench-call-" + std::to_string(i);
      ids += (i > start ? "," : "") + id;
      created += (i > start ? "," : "") + std::to_string(at);
      documents.emplace_back(call_document(id, at, rng));
    }
    ids += "}";
    created += "}";
    db.run_once(
        "INSERT INTO resources (kind, id, org_id, created_at, updated_at, document) "
        "SELECT 'call', i, $1, c, c, d FROM unnest($2::text[], $3::bigint[], "
        "ARRAY(SELECT jsonb_array_elements_text($4::jsonb))) AS t(i, c, d)",
        {std::string(kOrg), ids, created, boost::json::serialize(documents)});
  }
  db.exec("COMMIT");
  db.exec("ANALYZE resources");
}

struct Named {
  const char* label;
  const char* query;  // an AnalyticsQuery without its timeRange
  const char* range;  // its timeRange
};

const Named kDashboard[] = {
    {"30 days, daily count by assistantId",
     R"({"table":"call","name":"q","groupBy":["assistantId"],"operations":[{"operation":"count","column":"id"}]})",
     R"({"start":"-30d","step":"day"})"},
    {"30 days, totals (count, sum cost, avg duration)",
     R"({"table":"call","name":"q","operations":[{"operation":"count","column":"id"},{"operation":"sum","column":"cost"},{"operation":"avg","column":"duration"}]})",
     R"({"start":"-30d"})"},
    {"7 days, hourly count",
     R"({"table":"call","name":"q","operations":[{"operation":"count","column":"id"}]})",
     R"({"start":"-7d","step":"hour"})"},
    {"30 days, daily sum cost by endedReason",
     R"({"table":"call","name":"q","groupBy":["endedReason"],"operations":[{"operation":"sum","column":"cost"}]})",
     R"({"start":"-30d","step":"day"})"},
    {"365 days, monthly count + avg cost, New York",
     R"({"table":"call","name":"q","operations":[{"operation":"count","column":"id"},{"operation":"avg","column":"cost"}]})",
     R"({"start":"-365d","step":"month","timezone":"America/New_York"})"},
};

// "-30d" relative to now, as ISO text (POST /analytics takes date-times).
std::string with_range(const Named& n, EpochMs now) {
  auto query = boost::json::parse(n.query).as_object();
  auto range = boost::json::parse(n.range).as_object();
  const auto days = std::stoll(std::string(range["start"].as_string()).substr(1));
  range["start"] = format_iso8601(now - days * kDayMs);
  range["end"] = format_iso8601(now);
  query["timeRange"] = range;
  return boost::json::serialize(boost::json::object{{"queries", boost::json::array{query}}});
}

}  // namespace

int main(int argc, char** argv) {
  std::string database;
  std::int64_t calls = 1000000;
  int iterations = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--database") database = argv[i + 1];
    if (flag == "--calls") calls = std::stoll(argv[i + 1]);
    if (flag == "--iterations") iterations = std::stoi(argv[i + 1]);
  }
  if (database.empty()) {
    std::fprintf(stderr,
                 "usage: analytics_bench --database PATH|URL [--calls N] [--iterations K]\n");
    return 2;
  }
  const bool pg = sb::storage::postgres::is_postgres_url(database);
  const EpochMs now = now_ms();
  std::unique_ptr<storage::Store> store;
  if (pg)
    store = std::make_unique<storage::postgres::PostgresStore>(
        storage::postgres::PostgresOptions{database, "", 1});
  else
    store =
        std::make_unique<storage::sqlite::SqliteStore>(storage::sqlite::SqliteOptions{database, 1});
  store->write_sync([](storage::Session& s) {
    if (!s.orgs().find_org(kOrg)) s.orgs().insert_org(kOrg, "bench", 1);
  });
  if (pg)
    seed_postgres(database, calls, now);
  else
    seed_sqlite(database, calls, now);

  std::printf("%s, %lld calls over 365 days, %d runs each\n", pg ? "PostgreSQL" : "SQLite",
              static_cast<long long>(calls), iterations);
  std::printf("| query | rows | p50 | p99 |\n|---|--:|--:|--:|\n");
  for (const auto& n : kDashboard) {
    const auto body = boost::json::parse(with_range(n, now));
    std::vector<double> ms;
    std::size_t rows = 0;
    std::string refused;
    for (int k = 0; k < iterations + 1 && refused.empty(); ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      store->read_sync([&](storage::Session& s) {
        try {
          auto result =
              analytics::run_queries(s.analytics(), kOrg, analytics::parse_request(body, now));
          rows = result.at(0).at("result").as_array().size();
        } catch (const ApiError& e) {  // past the deadline: what the API would answer
          refused = e.what();
        }
      });
      const auto t1 = std::chrono::steady_clock::now();
      if (k > 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    if (!refused.empty()) {
      std::printf("| %s | refused: %s | | |\n", n.label, refused.c_str());
      std::fflush(stdout);
      continue;
    }
    std::sort(ms.begin(), ms.end());
    const auto pct = [&](double p) {
      return ms[std::min(ms.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
    };
    std::printf("| %s | %zu | %.1f ms | %.1f ms |\n", n.label, rows, pct(0.5), pct(0.99));
    std::fflush(stdout);
    std::fflush(stdout);
  }
  store->stop();
  return 0;
}
