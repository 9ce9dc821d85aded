#include "api/analytics/analytics_routes.hpp"

#include <stdexcept>

#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/analytics/analytics_query.hpp"
#include "domain/analytics/insight_query.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/router.hpp"
#include "storage/store.hpp"

namespace sb::api {
namespace {

namespace json = boost::json;

// InsightRunResponse, with the computed data in `result` (format_insight).
json::object run_insight(storage::Session& s, const analytics::InsightPlan& plan,
                         const std::string& org, std::string insight_id, EpochMs now) {
  auto results = analytics::run_queries(s.analytics(), org, plan.queries);
  const auto stamp = format_iso8601(now);
  auto id = new_uuid();
  // A preview has no saved insight: its insightId is the run's own id.
  if (insight_id.empty()) insight_id = id;
  return {{"id", std::move(id)}, {"insightId", std::move(insight_id)},
          {"orgId", org},        {"createdAt", stamp},
          {"updatedAt", stamp},  {"result", analytics::format_insight(plan, results)}};
}

}  // namespace

AnalyticsRoutes::AnalyticsRoutes(storage::Store& store, const resources::ResourceService& service,
                                 const contract::Contract& contract, const Clock& clock,
                                 const resources::ResourceSpec& insights)
    : store_(store), service_(service), insights_(insights), contract_(contract), clock_(clock) {}

namespace {

http::Route post_route(const contract::Contract& contract, const char* path) {
  const auto* op = contract.operation("post", path);
  if (!op) throw std::logic_error(std::string("no contract operation POST ") + path);
  http::Route route;
  route.method = http::Method::kPost;
  route.path = path;
  route.operation = op;
  return route;
}

}  // namespace

int AnalyticsRoutes::register_routes(http::Router& router) {
  auto analytics = post_route(contract_, "/analytics");
  analytics.handler = [this](http::Context&& ctx, http::Reply reply) {
    // Parsed before the read: a bad query is a 400 without touching the database.
    auto queries = analytics::parse_request(ctx.body, clock_.wall_ms());
    reply_from_read(
        store_, std::move(reply), ctx.request.request_id,
        [org = std::move(ctx.org_id), queries = std::move(queries)](storage::Session& s) mutable {
          return http::Response::json(
              201, json_text(analytics::run_queries(s.analytics(), org, std::move(queries))));
        });
  };
  router.add(std::move(analytics));

  auto run = post_route(contract_, "/reporting/insight/{id}/run");
  run.handler = [this](http::Context&& ctx, http::Reply reply) {
    reply_from_read(store_, std::move(reply), ctx.request.request_id,
                    [this, org = std::move(ctx.org_id), id = ascii_lower(ctx.request.param("id")),
                     body = std::move(ctx.body)](storage::Session& s) {
                      const auto insight = service_.load(s, insights_, org, id);  // its 404
                      const auto now = clock_.wall_ms();
                      const auto plan = analytics::plan_insight(insight, body.if_object(), now);
                      return http::Response::json(201,
                                                  json_text(run_insight(s, plan, org, id, now)));
                    });
  };
  router.add(std::move(run));

  auto preview = post_route(contract_, "/reporting/insight/preview");
  preview.handler = [this](http::Context&& ctx, http::Reply reply) {
    const auto now = clock_.wall_ms();
    const auto* body = ctx.body.if_object();
    if (!body) throw ApiError::bad_request("the body must be an insight");
    auto plan = analytics::plan_insight(*body, nullptr, now);
    reply_from_read(
        store_, std::move(reply), ctx.request.request_id,
        [org = std::move(ctx.org_id), plan = std::move(plan), now](storage::Session& s) {
          return http::Response::json(201, json_text(run_insight(s, plan, org, "", now)));
        });
  };
  router.add(std::move(preview));
  return 3;
}

}  // namespace sb::api
