#include "api/metrics/metrics_route.hpp"

#include "runtime/voice/call_metrics.hpp"
#include "runtime/voice/rtp_streams.hpp"
#include "webhooks/metrics.hpp"

namespace sb::api {

http::Route metrics_route(const webhooks::WebhookMetrics& metrics, const voice::CallMetrics* calls,
                          const voice::RtpStreams* rtp) {
  http::Route route;
  route.method = http::Method::kGet;
  route.path = "/metrics";
  route.authenticated = false;
  route.handler = [&metrics, calls, rtp](http::Context&&, http::Reply reply) {
    http::Response response;
    response.status = 200;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics.render();
    if (calls) response.body += calls->render();
    if (rtp) response.body += rtp->render();
    reply(std::move(response));
  };
  return route;
}

}  // namespace sb::api
