#include "api/calls/call_artifact_routes.hpp"

#include <stdexcept>

#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/text.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/router.hpp"

namespace sb::api {

CallArtifactRoutes::CallArtifactRoutes(storage::Store& store,
                                       const resources::ResourceService& service,
                                       const contract::Contract& contract,
                                       const resources::ResourceSpec& calls)
    : store_(store), service_(service), contract_(contract), calls_(calls) {}

int CallArtifactRoutes::register_routes(http::Router& router) {
  int added = 0;
  for (const auto& kind : calls::artifact_kinds()) {
    const std::string path = "/call/{id}/" + std::string(kind.route);
    const auto* op = contract_.operation("get", path);
    if (!op) throw std::logic_error("no contract operation GET " + path);
    http::Route route;
    route.method = http::Method::kGet;
    route.path = path;
    route.operation = op;
    route.handler = [this, kind](http::Context&& ctx, http::Reply reply) {
      reply_from_read(store_, std::move(reply), ctx.request.request_id,
                      [this, kind, org = std::move(ctx.org_id),
                       id = ascii_lower(ctx.request.param("id"))](storage::Session& s) {
                        const auto url =
                            calls::artifact_url(service_.load(s, calls_, org, id), kind.route);
                        if (url.empty())
                          throw ApiError::not_found("This call has no " + std::string(kind.label));
                        http::Response r;
                        r.status = 302;
                        r.headers.emplace_back("Location", url);
                        return r;
                      });
    };
    router.add(std::move(route));
    ++added;
  }
  return added;
}

}  // namespace sb::api
