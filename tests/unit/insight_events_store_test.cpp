// Insights over the events table on every backend (store_backend.hpp): events recorded for
// seeded calls give known counts and percentages, computed in SQL, filtered on their data,
// grouped by their call's column; they go with their call.
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
using storage::CallEvent;
using storage::Session;

struct SeedCall {
  const char* id;
  const char* org;
  const char* created;
  const char* assistant;
};

// UTC days: Mar 7 has c1, Mar 8 has c2 and c3, Mar 9 has c4.
const SeedCall kCalls[] = {
    {"c1", "org-a", "2026-03-07T12:00:00Z", "A"}, {"c2", "org-a", "2026-03-08T04:30:00Z", "A"},
    {"c3", "org-a", "2026-03-08T05:30:00Z", "B"}, {"c4", "org-a", "2026-03-09T03:30:00Z", "B"},
    {"c6", "org-b", "2026-03-08T12:00:00Z", "A"}, {"c7", "org-a", "2026-03-12T00:00:00Z", "A"},
};

CallEvent event(const char* type, const char* at, const char* data = "{}") {
  return CallEvent{type, *parse_iso8601(at), data};
}

constexpr const char* kDtmf = "call.dtmfReceived";
constexpr const char* kAnswered = "assistant.model.responseSucceeded";

std::string expected(const char* text) {
  return json_text(json::parse(text));
}

class InsightEventsStoreTest : public ::testing::TestWithParam<test::StoreBackend> {
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
        r.document =
            std::string(R"({"id":")") + c.id + R"(","assistantId":")" + c.assistant + "\"}";
        s.resources().insert(r);
      }
      auto& events = s.analytics();
      events.record_call_events(
          "org-a", "c1",
          {event(kDtmf, "2026-03-07T12:00:10Z", R"({"digit":"1"})"),
           event(kAnswered, "2026-03-07T12:00:20Z",
                 R"({"provider":"openai","model":"gpt-4o","latency":800})"),
           event(kAnswered, "2026-03-07T12:00:40Z",
                 R"({"provider":"openai","model":"gpt-4o","latency":1500})")});
      events.record_call_events(
          "org-a", "c2",
          {event(kDtmf, "2026-03-08T04:30:05Z", R"({"digit":"2"})"),
           event("assistant.model.responseFailed", "2026-03-08T04:30:10Z",
                 R"({"provider":"openai","model":"gpt-4o","error":"timeout"})")});
      events.record_call_events("org-a", "c3",
                                {event(kAnswered, "2026-03-08T05:30:05Z",
                                       R"({"provider":"anthropic","model":"c","latency":300})")});
      events.record_call_events("org-b", "c6", {event(kDtmf, "2026-03-08T12:00:00Z")});
      events.record_call_events("org-a", "c7", {event(kDtmf, "2026-03-12T00:00:01Z")});
    });
  }

  // A bar insight (daily steps) over Mar 7-9 with `fields`: its first query's rows.
  std::string run(const std::string& fields, const char* type = "bar") {
    const auto insight = json::parse(
        std::string(R"({"type":")") + type +
        R"(","timeRange":{"start":"2026-03-07T00:00:00Z","end":"2026-03-10T00:00:00Z"},)" + fields +
        "}");
    const auto plan =
        plan_insight(insight.as_object(), nullptr, *parse_iso8601("2026-03-10T00:00:00Z"));
    json::array out;
    store_->read_sync([&](Session& s) { out = run_queries(s.analytics(), "org-a", plan.queries); });
    return json_text(format_insight(plan, out).at(0).at("result"));
  }

  static std::string query(const std::string& on, const std::string& operation,
                           const std::string& filters = "[]") {
    return R"("queries":[{"type":"vapiql-json","table":"events","on":")" + on +
           R"(","operation":")" + operation + R"(","filters":)" + filters + "}]";
  }

  test::BackendDatabase db_{GetParam(), "sb-insight-events"};
  std::unique_ptr<storage::Store> store_;
};

TEST_P(InsightEventsStoreTest, CountsTheOrgsEventsOfTheTypePerDay) {
  EXPECT_EQ(run(query(kDtmf, "count")), expected(R"([{"date":"2026-03-07T00:00:00.000Z","value":1},
                {"date":"2026-03-08T00:00:00.000Z","value":1}])"));
  // A type this server never records counts none.
  EXPECT_EQ(run(query("assistant.voice.requestFailed", "count")), "[]");
}

TEST_P(InsightEventsStoreTest, APercentageIsEventsPerHundredCallsOfTheDay) {
  EXPECT_EQ(run(query(kAnswered, "percentage")),
            expected(R"([{"date":"2026-03-07T00:00:00.000Z","value":200},
                {"date":"2026-03-08T00:00:00.000Z","value":50},
                {"date":"2026-03-09T00:00:00.000Z","value":0}])"));
}

TEST_P(InsightEventsStoreTest, FiltersReadTheEventsData) {
  EXPECT_EQ(
      run(query(kAnswered, "count", R"([{"column":"latency","operator":">=","value":1000}])")),
      expected(R"([{"date":"2026-03-07T00:00:00.000Z","value":1}])"));
  EXPECT_EQ(run(query(kAnswered, "count",
                      R"([{"column":"provider","operator":"contains","value":"anth"}])")),
            expected(R"([{"date":"2026-03-08T00:00:00.000Z","value":1}])"));
  EXPECT_EQ(run(query(kAnswered, "count",
                      R"([{"column":"provider","operator":"!=","value":"anthropic"},
                          {"column":"latency","operator":"<","value":1000}])")),
            expected(R"([{"date":"2026-03-07T00:00:00.000Z","value":1}])"));
  EXPECT_EQ(run(query("call.recordingPaused", "count",
                      R"([{"column":"success","operator":"=","value":true}])")),
            "[]");
}

TEST_P(InsightEventsStoreTest, GroupsAndPercentagesByTheEventsCall) {
  EXPECT_EQ(run(R"("groupBy":"assistantId",)" + query(kAnswered, "count")),
            expected(R"([{"date":"2026-03-07T00:00:00.000Z","assistantId":"A","value":2},
                {"date":"2026-03-08T00:00:00.000Z","assistantId":"B","value":1}])"));
  EXPECT_EQ(run(R"("groupBy":"assistantId",)" + query(kDtmf, "percentage")),
            expected(R"([{"date":"2026-03-07T00:00:00.000Z","assistantId":"A","value":100},
                {"date":"2026-03-08T00:00:00.000Z","assistantId":"A","value":100},
                {"date":"2026-03-08T00:00:00.000Z","assistantId":"B","value":0},
                {"date":"2026-03-09T00:00:00.000Z","assistantId":"B","value":0}])"));
}

TEST_P(InsightEventsStoreTest, FormulasCombineEventQueries) {
  const auto insight = json::parse(R"({"type":"bar","timeRange":{"start":"2026-03-07T00:00:00Z",
      "end":"2026-03-10T00:00:00Z"},"queries":[
      {"type":"vapiql-json","table":"events","on":"assistant.model.responseSucceeded","operation":"count","name":"ok"},
      {"type":"vapiql-json","table":"events","on":"assistant.model.responseFailed","operation":"count","name":"failed"}],
      "formulas":[{"name":"rate","formula":"{{failed}} / ({{ok}} + {{failed}}) * 100"}]})");
  const auto plan =
      plan_insight(insight.as_object(), nullptr, *parse_iso8601("2026-03-10T00:00:00Z"));
  json::array out;
  store_->read_sync([&](Session& s) { out = run_queries(s.analytics(), "org-a", plan.queries); });
  EXPECT_EQ(json_text(format_insight(plan, out).at(2).at("result")),
            expected(R"([{"date":"2026-03-07T00:00:00.000Z","value":0},
                {"date":"2026-03-08T00:00:00.000Z","value":50}])"));
}

TEST_P(InsightEventsStoreTest, EventsGoWithTheirCall) {
  store_->write_sync([](Session& s) { s.resources().remove("call", "org-a", "c1", {}); });
  EXPECT_EQ(run(query(kDtmf, "count")),
            expected(R"([{"date":"2026-03-08T00:00:00.000Z","value":1}])"));
}

TEST_P(InsightEventsStoreTest, RefusesWhatTheDocumentDoesNotAllow) {
  const auto refused = [&](const std::string& fields, const char* type = "bar") {
    try {
      run(fields, type);
      return std::string("no error");
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
      return std::string(e.what());
    }
  };
  EXPECT_NE(refused(query(kDtmf, "count"), "line"), "no error");
  EXPECT_NE(refused(query(kDtmf, "sum")), "no error");
  EXPECT_NE(refused(query(kAnswered, "count", R"([{"column":"cost","operator":"=","value":1}])"))
                .find("provider, model, latency"),
            std::string::npos);
  EXPECT_NE(
      refused(query(kAnswered, "count", R"([{"column":"latency","operator":"=","value":"1"}])"))
          .find("a number"),
      std::string::npos);
  EXPECT_NE(refused(query(kAnswered, "count",
                          R"([{"column":"latency","operator":"contains","value":1}])")),
            "no error");
  EXPECT_NE(refused(query(kDtmf, "count", R"([{"column":"a.b","operator":"=","value":"1"}])")),
            "no error");
}

INSTANTIATE_TEST_SUITE_P(Backends, InsightEventsStoreTest, SB_ALL_STORE_BACKENDS);

}  // namespace
}  // namespace sb::analytics
