#include "webhooks/backoff.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::webhooks {
namespace {

using std::chrono::milliseconds;
using Verdict = Decision::Verdict;

ServerPlan plan_of(const char* json) {
  return parse_server(boost::json::parse(json).as_object());
}

TEST(WebhookBackoff, FixedWaitsTheBaseDelayBeforeEveryRetry) {
  const auto plan = plan_of(R"({"url":"http://x","backoffPlan":{"type":"fixed","maxRetries":3,
                                "baseDelaySeconds":1.5}})");
  EXPECT_EQ(retry_delay(plan.backoff, 1), milliseconds(1500));
  EXPECT_EQ(retry_delay(plan.backoff, 2), milliseconds(1500));
  EXPECT_EQ(retry_delay(plan.backoff, 3), milliseconds(1500));
}

TEST(WebhookBackoff, ExponentialStartsAtTheBaseAndDoubles) {
  const auto plan = plan_of(R"({"url":"http://x","backoffPlan":{"type":"exponential",
                                "maxRetries":4,"baseDelaySeconds":0.5}})");
  EXPECT_EQ(retry_delay(plan.backoff, 1), milliseconds(500));
  EXPECT_EQ(retry_delay(plan.backoff, 2), milliseconds(1000));
  EXPECT_EQ(retry_delay(plan.backoff, 3), milliseconds(2000));
  EXPECT_EQ(retry_delay(plan.backoff, 4), milliseconds(4000));
}

TEST(WebhookBackoff, WithoutAPlanThereIsOneAttempt) {
  const auto plan = plan_of(R"({"url":"http://x"})");
  EXPECT_EQ(plan.backoff.max_retries, 0);
  EXPECT_EQ(decide(plan.backoff, 1, 500).verdict, Verdict::kDead);
  EXPECT_EQ(decide(plan.backoff, 1, 0).verdict, Verdict::kDead);
  EXPECT_EQ(decide(plan.backoff, 1, 204).verdict, Verdict::kDelivered);
}

TEST(WebhookBackoff, MaxRetriesCountsTheAttemptsAfterTheFirst) {
  const auto plan = plan_of(R"({"url":"http://x","backoffPlan":{"type":"fixed","maxRetries":2,
                                "baseDelaySeconds":2}})");
  const auto first = decide(plan.backoff, 1, 503);
  EXPECT_EQ(first.verdict, Verdict::kRetry);
  EXPECT_EQ(first.delay, milliseconds(2000));
  EXPECT_EQ(decide(plan.backoff, 2, 0).verdict, Verdict::kRetry);  // a timeout retries too
  EXPECT_EQ(decide(plan.backoff, 3, 503).verdict, Verdict::kDead);
  EXPECT_EQ(decide(plan.backoff, 3, 200).verdict, Verdict::kDelivered);
}

TEST(WebhookBackoff, AnExcludedStatusIsNotRetried) {
  const auto plan = plan_of(R"({"url":"http://x","backoffPlan":{"type":"fixed","maxRetries":5,
                                "baseDelaySeconds":1,"excludedStatusCodes":[400,"404"]}})");
  EXPECT_EQ(decide(plan.backoff, 1, 400).verdict, Verdict::kDead);
  EXPECT_EQ(decide(plan.backoff, 1, 404).verdict, Verdict::kDead);
  EXPECT_EQ(decide(plan.backoff, 1, 401).verdict, Verdict::kRetry);
  EXPECT_EQ(decide(plan.backoff, 1, 302).verdict, Verdict::kRetry);  // non-2xx fails
}

TEST(WebhookBackoff, ServerDefaultsAndBounds) {
  auto plan = plan_of(R"({"url":"https://h/x","headers":{"X-A":"1","X-N":7}})");
  EXPECT_EQ(plan.url, "https://h/x");
  EXPECT_EQ(plan.timeout, milliseconds(20'000));
  ASSERT_EQ(plan.headers.size(), 2u);
  EXPECT_EQ(plan.headers[0], (std::pair<std::string, std::string>{"X-A", "1"}));
  EXPECT_EQ(plan.headers[1], (std::pair<std::string, std::string>{"X-N", "7"}));
  EXPECT_EQ(plan_of(R"({"timeoutSeconds":2.5})").timeout, milliseconds(2500));
  EXPECT_EQ(plan_of(R"({"timeoutSeconds":0})").timeout, milliseconds(1000));
  EXPECT_EQ(plan_of(R"({"timeoutSeconds":9999})").timeout, milliseconds(300'000));
  EXPECT_EQ(plan_of(R"({"credentialId":"c-1"})").credential_id, "c-1");
  EXPECT_EQ(plan_of(R"({"backoffPlan":{"maxRetries":50}})").backoff.max_retries, 10);
}

}  // namespace
}  // namespace sb::webhooks
