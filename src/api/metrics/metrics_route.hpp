#pragma once
// GET /metrics: counters in the Prometheus text format, without a key (like /health): they
// are operational figures of the whole server, never any org's data.

#include "http/router.hpp"

namespace sb::webhooks {
class WebhookMetrics;
}
namespace sb::voice {
struct CallMetrics;
class RtpStreams;
}  // namespace sb::voice

namespace sb::api {

/// The route; `metrics` (and `calls`, `rtp` when given) must outlive the router.
http::Route metrics_route(const webhooks::WebhookMetrics& metrics,
                          const voice::CallMetrics* calls = nullptr,
                          const voice::RtpStreams* rtp = nullptr);

}  // namespace sb::api
