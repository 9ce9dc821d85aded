// A schedulePlan as POST /call checks it, when it is due and when it has expired, and the
// scheduled Call an outbound request makes.

#include "domain/calls/schedule_plan.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"

namespace sb::calls {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20.000Z

json::object with_plan(std::string plan, std::string extra = "") {
  return json::parse(R"({"phoneNumberId":"n","assistantId":"a","customer":{"number":"+1"})" +
                     extra + (plan.empty() ? "" : R"(,"schedulePlan":)" + plan) + "}")
      .as_object();
}

// The refusal's code and message, or "" when the plan is accepted.
std::pair<ErrorCode, std::string> refusal(const json::object& body) {
  try {
    check_schedule_plan(body, kNow);
  } catch (const ApiError& e) {
    return {e.code(), e.what()};
  }
  return {ErrorCode::kInternal, ""};
}

TEST(SchedulePlan, AcceptsAPlanAheadWithOrWithoutALatestTime) {
  const auto plan =
      check_schedule_plan(with_plan(R"({"earliestAt":"2023-11-15T00:00:00Z"})"), kNow);
  EXPECT_EQ(plan.earliest_ms, *parse_iso8601("2023-11-15T00:00:00Z"));
  EXPECT_FALSE(plan.latest_ms);
  const auto windowed = check_schedule_plan(
      with_plan(R"({"earliestAt":"2023-11-15T00:00:00Z","latestAt":"2023-11-15T02:00:00+01:00"})"),
      kNow);
  ASSERT_TRUE(windowed.latest_ms);
  EXPECT_EQ(*windowed.latest_ms - windowed.earliest_ms, 3'600'000);
}

TEST(SchedulePlan, RefusalsNameTheField) {
  EXPECT_EQ(refusal(with_plan(R"({"earliestAt":"soon"})")).second,
            "schedulePlan.earliestAt must be an ISO 8601 date-time");
  EXPECT_EQ(refusal(with_plan(R"({"latestAt":"2023-11-15T00:00:00Z"})")).second,
            "schedulePlan.earliestAt must be an ISO 8601 date-time");
  EXPECT_EQ(refusal(with_plan(R"({"earliestAt":"2023-11-15T00:00:00Z","latestAt":7})")).second,
            "schedulePlan.latestAt must be an ISO 8601 date-time");
  EXPECT_EQ(
      refusal(
          with_plan(R"({"earliestAt":"2023-11-15T00:00:00Z","latestAt":"2023-11-15T00:00:00Z"})"))
          .second,
      "schedulePlan.latestAt must be after schedulePlan.earliestAt");
  const auto passed = refusal(
      with_plan(R"({"earliestAt":"2023-11-14T00:00:00Z","latestAt":"2023-11-14T22:13:20Z"})"));
  EXPECT_EQ(passed.first, ErrorCode::kBadRequest);
  EXPECT_EQ(passed.second,
            "schedulePlan.latestAt has already passed (it is 2023-11-14T22:13:20.000Z)");
  EXPECT_EQ(refusal(with_plan("7")).first, ErrorCode::kBadRequest);
}

TEST(SchedulePlan, ACallOnATransientNumberIsScheduledWithoutItsSecretsShown) {
  const std::string transient =
      R"(,"phoneNumber":{"twilioPhoneNumber":"+1415","twilioAccountSid":"AC1",)"
      R"("twilioAuthToken":"hush"})";
  for (const auto* earliest : {"2023-11-15T00:00:00Z", "2023-11-14T00:00:00Z"}) {
    auto body = with_plan(std::string(R"({"earliestAt":")") + earliest + "\"}", transient);
    body.erase("phoneNumberId");
    EXPECT_EQ(refusal(body).second, "") << earliest;
  }
  auto later = with_plan(R"({"earliestAt":"2023-11-15T00:00:00Z"})", transient);
  later.erase("phoneNumberId");
  ASSERT_TRUE(scheduled_for_later(later, kNow));
  const auto call = new_scheduled_call("c", "o", later, "twilio", kNow);
  EXPECT_EQ(call.at("status"), "scheduled");
  EXPECT_EQ(json::serialize(call.at("phoneNumber")),
            R"({"provider":"twilio","number":"+1415","twilioAccountSid":"AC1"})");
  EXPECT_EQ(json::serialize(call).find("hush"), std::string::npos);
}

TEST(SchedulePlan, IsForLaterOnlyUntilEarliestAtAndExpiresAfterLatestAt) {
  const auto body =
      with_plan(R"({"earliestAt":"2023-11-14T22:13:21Z","latestAt":"2023-11-14T22:13:25Z"})");
  EXPECT_TRUE(scheduled_for_later(body, kNow));
  EXPECT_FALSE(scheduled_for_later(body, kNow + 1000));
  EXPECT_FALSE(scheduled_for_later(with_plan(""), kNow));
  const auto plan = *schedule_plan_of(body);
  EXPECT_FALSE(plan.open_at(kNow + 999));
  EXPECT_TRUE(plan.open_at(kNow + 1000));
  EXPECT_TRUE(plan.open_at(kNow + 5000));
  EXPECT_FALSE(plan.expired_at(kNow + 5000));
  EXPECT_TRUE(plan.expired_at(kNow + 5001));
  EXPECT_FALSE(plan.open_at(kNow + 5001));
  EXPECT_FALSE(schedule_plan_of(with_plan(R"({"earliestAt":"never"})")));
}

TEST(SchedulePlan, AScheduledCallIsTheOutboundCallWithStatusScheduledAndItsPlan) {
  const auto body = with_plan(R"({"earliestAt":"2023-11-15T00:00:00Z"})");
  const auto call = new_scheduled_call("c1", "org-a", body, "twilio", kNow);
  EXPECT_EQ(call.at("status"), "scheduled");
  EXPECT_EQ(call.at("schedulePlan"), body.at("schedulePlan"));
  EXPECT_EQ(call.at("type"), "outboundPhoneCall");
  EXPECT_EQ(call.at("phoneNumberId"), "n");
  EXPECT_EQ(call.at("createdAt"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(schedule_plan_of(call)->earliest_ms, *parse_iso8601("2023-11-15T00:00:00Z"));
}

}  // namespace
}  // namespace sb::calls
