#include "api/orgs/org_routes.hpp"

#include <boost/json/array.hpp>

#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/orgs/org_settings.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"

namespace sb::api {
namespace {

bool own_org(const http::Context& ctx) {
  return ascii_lower(ctx.request.param("id")) == ctx.org_id;
}

void not_found(const http::Reply& reply) {
  reply(http::error_response(ApiError::not_found("Org not found")));
}

}  // namespace

OrgRoutes::OrgRoutes(storage::Store& store, std::shared_ptr<const contract::Contract> contract)
    : store_(store), contract_(std::move(contract)) {}

int OrgRoutes::register_routes(http::Router& router) {
  int added = 0;
  auto add = [&](http::Method method, std::string path, http::Handler handler) {
    const auto* op = contract_->operation(http::method_name(method), path);
    if (!op) return;
    http::Route route;
    route.method = method;
    route.path = std::move(path);
    route.operation = op;
    route.handler = std::move(handler);
    router.add(std::move(route));
    ++added;
  };
  // A key belongs to one org: the list a multi-org account would see has that one.
  add(http::Method::kGet, "/org", [this](http::Context&& ctx, http::Reply reply) {
    reply_from_read(
        store_, std::move(reply), ctx.request.request_id, [org = ctx.org_id](storage::Session& s) {
          return http::Response::json(200, json_text(boost::json::array{orgs::find_org(s, org)}));
        });
  });
  add(http::Method::kGet, "/org/{id}", [this](http::Context&& ctx, http::Reply reply) {
    if (!own_org(ctx)) return not_found(reply);
    reply_from_read(store_, std::move(reply), ctx.request.request_id,
                    [org = ctx.org_id](storage::Session& s) {
                      return http::Response::json(200, json_text(orgs::find_org(s, org)));
                    });
  });
  add(http::Method::kPatch, "/org/{id}", [this](http::Context&& ctx, http::Reply reply) {
    if (!own_org(ctx)) return not_found(reply);
    reply_after_write(
        store_, std::move(reply), ctx.request.request_id,
        [org = ctx.org_id, patch = std::move(ctx.body.as_object())](storage::Session& s) {
          return http::Response::json(200, json_text(orgs::update_org(s, org, patch)));
        });
  });
  return added;
}

}  // namespace sb::api
