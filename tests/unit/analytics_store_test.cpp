// POST /analytics's engine over every backend (store_backend.hpp): the same seeded calls give
// the same known answers, computed in SQL, for every operation, group-by, step and a time zone
// with a daylight-saving change.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/json_text.hpp"
#include "domain/analytics/analytics_query.hpp"
#include "domain/analytics/insight_query.hpp"
#include "storage/org_repository.hpp"
#include "storage/resource_repository.hpp"
#include "store_backend.hpp"

namespace sb::analytics {
namespace {

namespace json = boost::json;
using storage::Session;

struct SeedCall {
  const char* id;
  const char* org;
  const char* created;
  const char* fields;  // the rest of the document
};

// New York springs forward on 2026-03-08 (07:00Z): local days there are
// Mar 7 [05:00Z, 05:00Z), Mar 8 [05:00Z, 04:00Z next day), Mar 9 from 04:00Z.
const SeedCall kCalls[] = {
    {"c1", "org-a", "2026-03-07T12:00:00Z",
     R"("assistantId":"A","type":"inboundPhoneCall","status":"ended","endedReason":"customer-ended-call","cost":0.5,"costBreakdown":{"llm":0.1},"startedAt":"2026-03-07T12:00:00.000Z","endedAt":"2026-03-07T12:01:00.000Z","analysis":{"successEvaluation":"true"},"assistantOverrides":{"variableValues":{"plan":"gold"}},"artifact":{"structuredOutputs":{"so-1":{"name":"Booked","result":true},"so-2":{"name":"Score","result":7}}})"},
    {"c2", "org-a", "2026-03-08T04:30:00Z",
     R"("assistantId":"A","type":"outboundPhoneCall","status":"ended","endedReason":"assistant-ended-call","cost":1.25,"costBreakdown":{"llm":0.2},"startedAt":"2026-03-08T04:30:00.000Z","endedAt":"2026-03-08T04:30:30.500Z","assistantOverrides":{"variableValues":{"plan":"silver"}},"artifact":{"structuredOutputs":{"so-1":{"name":"Booked","result":false},"so-2":{"name":"Score","result":9}}})"},
    {"c3", "org-a", "2026-03-08T05:30:00Z",
     R"("assistantId":"B","type":"inboundPhoneCall","status":"ended","endedReason":"customer-ended-call","cost":2,"startedAt":"2026-03-08T05:30:00.000Z","endedAt":"2026-03-08T05:32:00.000Z","analysis":{"successEvaluation":false},"artifact":{"structuredOutputs":{"so-1":{"name":"Booked","result":true},"so-2":{"name":"Score","result":"high"}}})"},
    {"c4", "org-a", "2026-03-09T03:30:00Z",
     R"("assistantId":"B","type":"webCall","status":"ended","endedReason":"customer-ended-call","cost":0.25,"startedAt":"2026-03-09T03:30:00.000Z","endedAt":"2026-03-09T03:30:10.000Z","assistantOverrides":{"variableValues":{"plan":"gold"}})"},
    {"c5", "org-a", "2026-03-09T04:30:00Z",
     R"("type":"webCall","status":"in-progress","cost":"n/a")"},
    {"c6", "org-b", "2026-03-08T12:00:00Z", R"("assistantId":"A","type":"webCall","cost":100)"},
    {"c7", "org-a", "2026-03-12T00:00:00Z", R"("assistantId":"A","type":"webCall","cost":100)"},
};

// Numbers as the API writes them (1.0 as 1), so 1 and 1.0 compare equal.
std::string expected(const char* json) {
  return json_text(json::parse(json));
}

class AnalyticsStoreTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    store_ = db_.open(1);
    store_->write_sync([](Session& s) {
      s.orgs().insert_org("org-a", "a", 1);
      s.orgs().insert_org("org-b", "b", 1);
      for (const auto& c : kCalls) {
        storage::ResourceRecord r;
        r.kind = "call";
        r.id = c.id;
        r.org_id = c.org;
        r.created_at = r.updated_at = *parse_iso8601(c.created);
        r.document = std::string(R"({"id":")") + c.id + "\"," + c.fields + "}";
        s.resources().insert(r);
      }
    });
  }

  // The results of one query over the range the calls are seeded in.
  std::string run(
      const std::string& query_fields,
      const std::string& range = R"("start":"2026-03-07T00:00:00Z","end":"2026-03-10T00:00:00Z")") {
    const auto body = json::parse(R"({"queries":[{"table":"call","name":"q",)" + query_fields +
                                  R"(,"timeRange":{)" + range + "}}]}");
    json::array out;
    auto queries = parse_request(body, *parse_iso8601("2026-03-10T00:00:00Z"));
    store_->read_sync([&](Session& s) { out = run_queries(s.analytics(), "org-a", queries); });
    return json_text(out.at(0).at("result"));
  }

  // A pie insight's raw result over the seeded range: its first query's rows.
  std::string run_insight(const std::string& fields) {
    const auto insight = json::parse(
        R"({"type":"pie","timeRange":{"start":"2026-03-07T00:00:00Z","end":"2026-03-10T00:00:00Z"},)" +
        fields + "}");
    const auto plan =
        plan_insight(insight.as_object(), nullptr, *parse_iso8601("2026-03-10T00:00:00Z"));
    json::array out;
    store_->read_sync([&](Session& s) { out = run_queries(s.analytics(), "org-a", plan.queries); });
    return json_text(format_insight(plan, out).at(0).at("result"));
  }

  test::BackendDatabase db_{GetParam(), "sb-analytics"};
  std::unique_ptr<storage::Store> store_;
};

TEST_P(AnalyticsStoreTest, EveryOperationOverTheWholeRange) {
  EXPECT_EQ(run(R"("operations":[{"operation":"count","column":"id"},
      {"operation":"count","column":"cost"},{"operation":"sum","column":"cost"},
      {"operation":"avg","column":"cost"},{"operation":"min","column":"cost"},
      {"operation":"max","column":"cost"},{"operation":"history","column":"cost"},
      {"operation":"sum","column":"duration","alias":"talk"},{"operation":"avg","column":"duration"},
      {"operation":"sum","column":"costBreakdown.llm"}])"),
            expected(R"([{"countId":5,"countCost":4,"sumCost":4,"avgCost":1,"minCost":0.25,
      "maxCost":2,"historyCost":[0.25,0.5,1.25,2],"talk":220.5,"avgDuration":55.125,
      "sumCostBreakdown.llm":0.30000000000000004}])"));
}

TEST_P(AnalyticsStoreTest, GroupsByColumnsAndVariableValues) {
  EXPECT_EQ(
      run(R"("operations":[{"operation":"count","column":"id"},{"operation":"sum","column":"cost"}],
      "groupBy":["assistantId"])"),
      expected(R"([{"assistantId":"A","countId":2,"sumCost":1.75},
      {"assistantId":"B","countId":2,"sumCost":2.25},{"assistantId":null,"countId":1,"sumCost":null}])"));
  EXPECT_EQ(run(R"("operations":[{"operation":"count","column":"id"}],
      "groupBy":["analysis.successEvaluation"],"groupByVariableValue":[{"key":"plan"}])"),
            expected(R"([{"analysis.successEvaluation":"false","plan":null,"countId":1},
      {"analysis.successEvaluation":"true","plan":"gold","countId":1},
      {"analysis.successEvaluation":null,"plan":"gold","countId":1},
      {"analysis.successEvaluation":null,"plan":"silver","countId":1},
      {"analysis.successEvaluation":null,"plan":null,"countId":1}])"));
}

TEST_P(AnalyticsStoreTest, DailyStepsInUtcAndInAZoneWithADaylightSavingChange) {
  const std::string count = R"("operations":[{"operation":"count","column":"id"}])";
  EXPECT_EQ(
      run(count, R"("start":"2026-03-07T00:00:00Z","end":"2026-03-10T00:00:00Z","step":"day")"),
      expected(R"([{"date":"2026-03-07T00:00:00.000Z","countId":1},
      {"date":"2026-03-08T00:00:00.000Z","countId":2},{"date":"2026-03-09T00:00:00.000Z","countId":2}])"));
  EXPECT_EQ(run(count + R"(,"groupBy":["type"])",
                R"("start":"2026-03-07T00:00:00Z","end":"2026-03-10T00:00:00Z","step":"day",
                "timezone":"America/New_York")"),
            expected(R"([
      {"date":"2026-03-07T05:00:00.000Z","type":"inboundPhoneCall","countId":1},
      {"date":"2026-03-07T05:00:00.000Z","type":"outboundPhoneCall","countId":1},
      {"date":"2026-03-08T05:00:00.000Z","type":"inboundPhoneCall","countId":1},
      {"date":"2026-03-08T05:00:00.000Z","type":"webCall","countId":1},
      {"date":"2026-03-09T04:00:00.000Z","type":"webCall","countId":1}])"));
}

TEST_P(AnalyticsStoreTest, InsightsReadStructuredOutputsCountedFilteredAveragedAndGrouped) {
  const std::string booked = R"("artifact.structuredOutputs[so-1]")";
  EXPECT_EQ(
      run_insight(R"("queries":[{"table":"call","operation":"count","column":)" + booked + "}]"),
      expected(R"([{"value":3}])"));
  EXPECT_EQ(run_insight(R"("queries":[{"table":"call","operation":"count","column":"id",
      "filters":[{"column":)" +
                        booked + R"(,"operator":"=","value":true}]}])"),
            expected(R"([{"value":2}])"));
  // A result that is not a number is not averaged.
  EXPECT_EQ(run_insight(R"("queries":[{"table":"call","operation":"average",
      "column":"artifact.structuredOutputs[so-2]"}])"),
            expected(R"([{"value":8}])"));
  EXPECT_EQ(run_insight(R"("queries":[{"table":"call","operation":"count","column":"id",
      "filters":[{"column":"artifact.structuredOutputs[so-2]","operator":">","value":8}]}])"),
            expected(R"([{"value":1}])"));
  EXPECT_EQ(run_insight(R"("groupBy":)" + booked +
                        R"(,"queries":[{"table":"call","operation":"count","column":"id"}])"),
            expected(R"([{"artifact.structuredOutputs[so-1]":"false","value":1},
      {"artifact.structuredOutputs[so-1]":"true","value":2},
      {"artifact.structuredOutputs[so-1]":null,"value":2}])"));
  EXPECT_THROW(run_insight(R"("queries":[{"table":"call","operation":"count",
      "column":"artifact.structuredOutputs[so 1]"}])"),
               ApiError);
}

TEST_P(AnalyticsStoreTest, AnEmptyRangeCountsZero) {
  EXPECT_EQ(
      run(R"("operations":[{"operation":"count","column":"id"},{"operation":"sum","column":"cost"}])",
          R"("start":"2020-01-01T00:00:00Z","end":"2020-01-02T00:00:00Z")"),
      expected(R"([{"countId":0,"sumCost":null}])"));
}

TEST_P(AnalyticsStoreTest, AQueryPastItsDeadlineIsRefused) {
  auto queries = parse_request(json::parse(R"({"queries":[{"table":"call","name":"q",
      "operations":[{"operation":"count","column":"id"}]}]})"),
                               *parse_iso8601("2026-03-10T00:00:00Z"));
  store_->read_sync([&](Session& s) {
    try {
      run_queries(s.analytics(), "org-a", queries, std::chrono::milliseconds(0));
      ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), ErrorCode::kServiceUnavailable);
    }
  });
  if (GetParam() != test::StoreBackend::kSqlite) return;
  // The database itself stops a statement past its deadline (SQLite's progress handler).
  storage::AnalyticsRequest request;
  for (int i = 0; i < 1000; ++i) request.buckets.push_back({i * 1000LL, i * 1000LL + 1000});
  request.aggregates.push_back({});
  request.timeout = std::chrono::milliseconds(0);
  store_->read_sync([&](Session& s) {
    EXPECT_THROW(s.analytics().aggregate_calls("org-a", request), storage::AnalyticsTimeout);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, AnalyticsStoreTest, SB_ALL_STORE_BACKENDS);

}  // namespace
}  // namespace sb::analytics
