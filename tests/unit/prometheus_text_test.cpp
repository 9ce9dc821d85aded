// The Prometheus text format's one writer, and the two renderings of /metrics that use it.
#include "core/prometheus_text.hpp"

#include <chrono>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "runtime/voice/call_metrics.hpp"
#include "webhooks/metrics.hpp"

namespace sb {
namespace {

TEST(PrometheusText, MetricIsHelpTypeAndOneSample) {
  std::string out = "before\n";
  append_metric(out, "x_total", "counter", "Things counted.", std::uint64_t{18446744073709551615u});
  append_metric(out, "y", "gauge", "Signed.", std::int64_t{-3});
  EXPECT_EQ(out,
            "before\n"
            "# HELP x_total Things counted.\n# TYPE x_total counter\nx_total 18446744073709551615\n"
            "# HELP y Signed.\n# TYPE y gauge\ny -3\n");
}

TEST(PrometheusText, HeaderAlone) {
  std::string out;
  append_metric_header(out, "h_seconds", "histogram", "Latency.");
  EXPECT_EQ(out, "# HELP h_seconds Latency.\n# TYPE h_seconds histogram\n");
}

TEST(PrometheusText, CallMetrics) {
  voice::CallMetrics m;
  m.live = -1;  // shown as 0
  m.started = 7;
  m.provider_failures = 2;
  EXPECT_EQ(m.render(),
            "# HELP switchboard_calls_live Calls live on this instance\n"
            "# TYPE switchboard_calls_live gauge\n"
            "switchboard_calls_live 0\n"
            "# HELP switchboard_calls_started_total Calls whose transport connected\n"
            "# TYPE switchboard_calls_started_total counter\n"
            "switchboard_calls_started_total 7\n"
            "# HELP switchboard_calls_ended_total Calls ended\n"
            "# TYPE switchboard_calls_ended_total counter\n"
            "switchboard_calls_ended_total 0\n"
            "# HELP switchboard_calls_refused_total Calls refused (over --max-calls, or shutting "
            "down)\n"
            "# TYPE switchboard_calls_refused_total counter\n"
            "switchboard_calls_refused_total 0\n"
            "# HELP switchboard_call_turns_total Answers the model was asked for\n"
            "# TYPE switchboard_call_turns_total counter\n"
            "switchboard_call_turns_total 0\n"
            "# HELP switchboard_call_interruptions_total Answers cut by the caller (barge-in)\n"
            "# TYPE switchboard_call_interruptions_total counter\n"
            "switchboard_call_interruptions_total 0\n"
            "# HELP switchboard_call_provider_failures_total Calls ended by a speech or model "
            "provider's failure\n"
            "# TYPE switchboard_call_provider_failures_total counter\n"
            "switchboard_call_provider_failures_total 2\n");
}

TEST(PrometheusText, WebhookMetrics) {
  webhooks::WebhookMetrics m;
  m.pending = 4;
  m.observe_delivery(std::chrono::milliseconds(30));
  const std::string out = m.render();
  EXPECT_TRUE(
      out.starts_with("# HELP switchboard_webhook_messages_enqueued_total Server messages "
                      "accepted into the outbox.\n"
                      "# TYPE switchboard_webhook_messages_enqueued_total counter\n"
                      "switchboard_webhook_messages_enqueued_total 0\n"))
      << out;
  EXPECT_NE(out.find("# HELP switchboard_webhook_messages_pending Server messages waiting for "
                     "delivery.\n"
                     "# TYPE switchboard_webhook_messages_pending gauge\n"
                     "switchboard_webhook_messages_pending 4\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("# HELP switchboard_webhook_delivery_seconds Time from enqueue to delivery.\n"
                     "# TYPE switchboard_webhook_delivery_seconds histogram\n"
                     "switchboard_webhook_delivery_seconds_bucket{le=\"0.005\"} 0\n"),
            std::string::npos)
      << out;
  EXPECT_TRUE(
      out.ends_with("switchboard_webhook_delivery_seconds_bucket{le=\"+Inf\"} 1\n"
                    "switchboard_webhook_delivery_seconds_sum 0.030000\n"
                    "switchboard_webhook_delivery_seconds_count 1\n"))
      << out;
}

// Several instances on one database: each one's samples carry its id.
TEST(PrometheusText, WebhookMetricsCarryTheirInstance) {
  webhooks::WebhookMetrics m;
  m.instance = "7f3c";
  m.delivered = 2;
  m.observe_delivery(std::chrono::milliseconds(30));
  const std::string out = m.render();
  EXPECT_NE(out.find("# TYPE switchboard_webhook_messages_delivered_total counter\n"
                     "switchboard_webhook_messages_delivered_total{instance=\"7f3c\"} 2\n"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("switchboard_webhook_delivery_seconds_bucket{instance=\"7f3c\",le=\"0.05\"} 1\n"),
      std::string::npos)
      << out;
  EXPECT_TRUE(
      out.ends_with("switchboard_webhook_delivery_seconds_sum{instance=\"7f3c\"} 0.030000\n"
                    "switchboard_webhook_delivery_seconds_count{instance=\"7f3c\"} 1\n"))
      << out;
}

}  // namespace
}  // namespace sb
