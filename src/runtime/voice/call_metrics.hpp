#pragma once
// What the live calls count for /metrics: lock-free, one relaxed atomic per event, rendered in
// the Prometheus text format beside the server messages' counters.

#include <atomic>
#include <cstdint>
#include <string>

namespace sb::voice {

struct CallMetrics {
  std::atomic<std::int64_t> live{0};      ///< calls registered and not yet ended
  std::atomic<std::uint64_t> started{0};  ///< transports connected
  std::atomic<std::uint64_t> ended{0};
  std::atomic<std::uint64_t> refused{0};            ///< POST /call over --max-calls or draining
  std::atomic<std::uint64_t> turns{0};              ///< answers the model was asked for
  std::atomic<std::uint64_t> interruptions{0};      ///< barge-ins
  std::atomic<std::uint64_t> provider_failures{0};  ///< calls ended by a pipeline error

  std::string render() const;
};

}  // namespace sb::voice
