#pragma once
// Webhook delivery counters, shared by the dispatcher (which updates them) and GET /metrics
// (which renders them in the Prometheus text format). Lock-free: every update is one relaxed
// atomic add, so counting costs the delivery path nothing measurable.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace sb::webhooks {

class WebhookMetrics {
 public:
  /// Upper bounds (seconds) of the enqueue→delivery histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  30};

  /// The instance these counters are of: every sample carries it as the label `instance`
  /// (several instances on one database each count their own). Set before rendering.
  std::string instance;

  std::atomic<std::uint64_t> enqueued{0};         ///< messages accepted (committed)
  std::atomic<std::uint64_t> delivered{0};        ///< messages a server answered 2xx
  std::atomic<std::uint64_t> attempts_failed{0};  ///< attempts that did not deliver
  std::atomic<std::uint64_t> dead{0};             ///< messages whose plan is exhausted
  std::atomic<std::uint64_t> pruned{0};    ///< delivered messages deleted after the retention
  std::atomic<std::int64_t> pending{0};    ///< in the outbox, not delivered nor dead
  std::atomic<std::int64_t> in_flight{0};  ///< attempts under way
  std::atomic<std::uint64_t> requests{0};  ///< synchronous messages sent
  std::atomic<std::uint64_t> requests_failed{0};  ///< of which not answered 2xx in time

  /// Records one delivery, `latency` after its message was enqueued.
  void observe_delivery(std::chrono::microseconds latency);

  /// Everything, in the Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets_{};  // non-cumulative
  std::atomic<std::uint64_t> latency_count_{0};
  std::atomic<std::uint64_t> latency_sum_us_{0};
};

}  // namespace sb::webhooks
