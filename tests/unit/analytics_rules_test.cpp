// The analytics rules (domain/analytics): time buckets in a zone, the query's checks and names.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "domain/analytics/analytics_query.hpp"

namespace sb::analytics {
namespace {

EpochMs at(const char* iso) {
  return *parse_iso8601(iso);
}

std::vector<std::string> starts(const std::vector<TimeBucket>& buckets) {
  std::vector<std::string> out;
  for (const auto& b : buckets) out.push_back(format_iso8601(b.start));
  return out;
}

TEST(AnalyticsBuckets, DaysFollowLocalMidnightsAcrossADaylightSavingChange) {
  // New York springs forward on 2026-03-08: that day has 23 hours.
  const auto zone = TimeZone::find("America/New_York");
  ASSERT_TRUE(zone);
  const auto b =
      *time_buckets(at("2026-03-07T00:00:00Z"), at("2026-03-10T00:00:00Z"), Step::kDay, *zone, 100);
  EXPECT_EQ(starts(b),
            (std::vector<std::string>{"2026-03-06T05:00:00.000Z", "2026-03-07T05:00:00.000Z",
                                      "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"}));
  // Clipped to the range at both ends.
  EXPECT_EQ(b.front().lo, at("2026-03-07T00:00:00Z"));
  EXPECT_EQ(b[2].hi - b[2].lo, 23 * 3600 * 1000LL);
  EXPECT_EQ(b.back().hi, at("2026-03-10T00:00:00Z"));
}

TEST(AnalyticsBuckets, WeeksStartOnMondayMonthsQuartersAndYearsOnTheirFirstDay) {
  const auto utc = TimeZone::find("UTC");
  // 2026-01-01 is a Thursday.
  EXPECT_EQ(starts(*time_buckets(at("2026-01-01T00:00:00Z"), at("2026-01-13T00:00:00Z"),
                                 Step::kWeek, *utc, 10)),
            (std::vector<std::string>{"2025-12-29T00:00:00.000Z", "2026-01-05T00:00:00.000Z",
                                      "2026-01-12T00:00:00.000Z"}));
  EXPECT_EQ(starts(*time_buckets(at("2026-01-31T00:00:00Z"), at("2026-03-02T00:00:00Z"),
                                 Step::kMonth, *utc, 10)),
            (std::vector<std::string>{"2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z",
                                      "2026-03-01T00:00:00.000Z"}));
  EXPECT_EQ(starts(*time_buckets(at("2026-05-05T00:00:00Z"), at("2026-07-02T00:00:00Z"),
                                 Step::kQuarter, *utc, 10)),
            (std::vector<std::string>{"2026-04-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z"}));
  EXPECT_EQ(starts(*time_buckets(at("2026-05-05T00:00:00Z"), at("2026-07-02T00:00:00Z"),
                                 Step::kCentury, *utc, 10)),
            (std::vector<std::string>{"2001-01-01T00:00:00.000Z"}));
}

TEST(AnalyticsBuckets, HoursAlignToTheLocalClockAndTooManyAreRefused) {
  const auto kolkata = TimeZone::find("Asia/Kolkata");  // UTC+05:30
  ASSERT_TRUE(kolkata);
  EXPECT_EQ(starts(*time_buckets(at("2026-01-01T00:10:00Z"), at("2026-01-01T01:00:00Z"),
                                 Step::kHour, *kolkata, 10)),
            (std::vector<std::string>{"2025-12-31T23:30:00.000Z", "2026-01-01T00:30:00.000Z"}));
  EXPECT_FALSE(time_buckets(at("2026-01-01T00:00:00Z"), at("2026-01-31T00:00:00Z"), Step::kMinute,
                            *TimeZone::find("UTC"), 1000));
}

// The message of the 400 `body` gets, or "" when it parses.
std::string error_of(const char* body) {
  try {
    parse_request(boost::json::parse(body), at("2026-03-10T00:00:00Z"));
    return "";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.what();
  }
}

TEST(AnalyticsQueryRules, BadQueriesGetAClearMessage) {
  EXPECT_EQ(error_of(R"({"queries":[{"table":"call","name":"a","operations":[
      {"operation":"sum","column":"id"}]}]})"),
            "queries.0.operations.0: the id column can only be counted (operation count)");
  EXPECT_EQ(error_of(R"({"queries":[{"table":"call","name":"a","operations":[
      {"operation":"sum","column":"colour"}]}]})"),
            "queries.0.operations.0.column colour is not a column of the call table");
  EXPECT_EQ(error_of(R"({"queries":[{"table":"call","name":"a","operations":[
      {"operation":"count","column":"id"}],"timeRange":{"timezone":"Mars/Olympus"}}]})"),
            "queries.0.timeRange.timezone Mars/Olympus is not a time zone of the IANA database "
            "(e.g. America/New_York)");
  EXPECT_EQ(error_of(R"({"queries":[{"table":"call","name":"a","operations":[
      {"operation":"count","column":"id"}],"timeRange":{"step":"minute",
      "start":"2026-01-01T00:00:00Z","end":"2026-02-01T00:00:00Z"}}]})"),
            "queries.0.timeRange: a minute step over this range makes more than 1000 buckets; "
            "use a longer step or a shorter range");
  EXPECT_EQ(error_of(R"({"queries":[{"table":"call","name":"a","operations":[
      {"operation":"count","column":"id"}],"timeRange":{"start":"2026-02-01T00:00:00Z",
      "end":"2026-01-01T00:00:00Z"}}]})"),
            "queries.0.timeRange.start must be before queries.0.timeRange.end");
  EXPECT_EQ(error_of(R"({"queries":[{"table":"call","name":"a","operations":[
      {"operation":"count","column":"id","alias":"type"}],"groupBy":["type"]}]})"),
            "queries.0: two results would be named \"type\" (set an alias, or group by it once)");
  EXPECT_EQ(error_of(R"({"queries":[{"table":"call","name":"a","operations":[
      {"operation":"count","column":"id"}],"groupByVariableValue":[{"key":"a.b"}]}]})"),
            "queries.0.groupByVariableValue.0.key must be 1 to 100 letters, digits, '_' or '-'");
  EXPECT_EQ(error_of(R"({"queries":[{"table":"subscription","name":"a","operations":[
      {"operation":"max","column":"concurrency"}]}]})"),
            "queries.0.table subscription (concurrency, minutes used) is not kept by this "
            "server; query the call table");
}

TEST(AnalyticsQueryRules, DefaultsAndNames) {
  const auto q = parse_request(boost::json::parse(R"({"queries":[{"table":"call","name":"a",
      "operations":[{"operation":"sum","column":"duration"},{"operation":"avg",
      "column":"costBreakdown.llm"}],"groupBy":["analysis.successEvaluation"]}]})"),
                               at("2026-03-10T00:00:00Z"));
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].aliases, (std::vector<std::string>{"sumDuration", "avgCostBreakdown.llm"}));
  EXPECT_EQ(q[0].window.start, at("2026-03-03T00:00:00Z"));  // 7 days back by default
  EXPECT_EQ(q[0].window.zone_name, "UTC");
  EXPECT_EQ(q[0].request.buckets.size(), 1u);  // no step: the whole range
  EXPECT_EQ(q[0].request.group_paths,
            (std::vector<std::vector<std::string>>{{"analysis", "successEvaluation"}}));
}

TEST(AnalyticsQueryRules, RelativeTimesForInsights) {
  const auto now = at("2026-03-31T10:00:00Z");
  const boost::json::object range{{"start", "-1m"}, {"end", "now"}};
  const auto w = parse_window(&range, now, "timeRange", true);
  EXPECT_EQ(format_iso8601(w.start), "2026-02-28T10:00:00.000Z");  // clamped to February
  EXPECT_EQ(w.end, now);
  const boost::json::object bad_range{{"start", "-7x"}};
  EXPECT_THROW(parse_window(&bad_range, now, "timeRange", true), ApiError);
}

}  // namespace
}  // namespace sb::analytics
