#include "runtime/voice/call_metrics.hpp"

#include "core/prometheus_text.hpp"

namespace sb::voice {

std::string CallMetrics::render() const {
  std::string out;
  const auto r = std::memory_order_relaxed;
  const auto now_live = live.load(r);
  append_metric(out, "switchboard_calls_live", "gauge", "Calls live on this instance",
                static_cast<std::uint64_t>(now_live < 0 ? 0 : now_live));
  append_metric(out, "switchboard_calls_started_total", "counter",
                "Calls whose transport connected", started.load(r));
  append_metric(out, "switchboard_calls_ended_total", "counter", "Calls ended", ended.load(r));
  append_metric(out, "switchboard_calls_refused_total", "counter",
                "Calls refused (over --max-calls, or shutting down)", refused.load(r));
  append_metric(out, "switchboard_call_turns_total", "counter", "Answers the model was asked for",
                turns.load(r));
  append_metric(out, "switchboard_call_interruptions_total", "counter",
                "Answers cut by the caller (barge-in)", interruptions.load(r));
  append_metric(out, "switchboard_call_provider_failures_total", "counter",
                "Calls ended by a speech or model provider's failure", provider_failures.load(r));
  return out;
}

}  // namespace sb::voice
