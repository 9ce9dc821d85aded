#include "webhooks/metrics.hpp"

#include <algorithm>
#include <cstdio>

#include "core/prometheus_text.hpp"

namespace sb::webhooks {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

std::string format_bound(double b) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", b);
  return text;
}

}  // namespace

void WebhookMetrics::observe_delivery(std::chrono::microseconds latency) {
  const double seconds = static_cast<double>(latency.count()) / 1e6;
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      buckets_[i].fetch_add(1, kRelaxed);
      break;
    }
  latency_count_.fetch_add(1, kRelaxed);
  latency_sum_us_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())),
                            kRelaxed);
}

std::string WebhookMetrics::render() const {
  std::string out;
  // `{instance="..."}`, or with `more` labels after it; nothing when no instance is named.
  auto labels = [&](std::string_view more = {}) {
    std::string l;
    if (!instance.empty()) l = "instance=\"" + instance + '"';
    if (!more.empty()) l += (l.empty() ? "" : ",") + std::string(more);
    return l.empty() ? l : '{' + l + '}';
  };
  auto sample = [&](const char* name, const char* type, const char* help, std::int64_t value) {
    append_metric_header(out, name, type, help);
    out += name + labels() + ' ' + std::to_string(value) + '\n';
  };
  auto counter = [&](const char* name, const char* help, const auto& value) {
    sample(name, "counter", help, static_cast<std::int64_t>(value.load(kRelaxed)));
  };
  auto gauge = [&](const char* name, const char* help, const auto& value) {
    sample(name, "gauge", help, static_cast<std::int64_t>(value.load(kRelaxed)));
  };
  counter("switchboard_webhook_messages_enqueued_total",
          "Server messages accepted into the outbox.", enqueued);
  counter("switchboard_webhook_messages_delivered_total",
          "Server messages a server answered with a 2xx.", delivered);
  counter("switchboard_webhook_attempts_failed_total",
          "Delivery attempts that failed (non-2xx, timeout, no connection).", attempts_failed);
  counter("switchboard_webhook_messages_dead_total",
          "Server messages kept as dead after their backoff plan was exhausted.", dead);
  counter("switchboard_webhook_messages_pruned_total",
          "Delivered server messages deleted from the outbox after the retention period.", pruned);
  gauge("switchboard_webhook_messages_pending", "Server messages waiting for delivery.", pending);
  gauge("switchboard_webhook_attempts_in_flight", "Delivery attempts under way.", in_flight);
  counter("switchboard_webhook_requests_total",
          "Synchronous server messages sent (assistant-request, tool-calls, ...).", requests);
  counter("switchboard_webhook_requests_failed_total",
          "Synchronous server messages not answered with a 2xx in time.", requests_failed);

  const char* h = "switchboard_webhook_delivery_seconds";
  append_metric_header(out, h, "histogram", "Time from enqueue to delivery.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += buckets_[i].load(kRelaxed);
    out += std::string(h) + "_bucket" + labels("le=\"" + format_bound(kBuckets[i]) + '"') + ' ' +
           std::to_string(cumulative) + '\n';
  }
  const auto count = latency_count_.load(kRelaxed);
  out += std::string(h) + "_bucket" + labels("le=\"+Inf\"") + ' ' + std::to_string(count) + '\n';
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(latency_sum_us_.load(kRelaxed)) / 1e6);
  out += std::string(h) + "_sum" + labels() + ' ' + sum + '\n';
  out += std::string(h) + "_count" + labels() + ' ' + std::to_string(count) + '\n';
  return out;
}

}  // namespace sb::webhooks
