#include "api/not_implemented/not_implemented_routes.hpp"

#include <stdexcept>

#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/router.hpp"

namespace sb::api {

NotImplementedRoutes::NotImplementedRoutes(storage::Store& store,
                                           const resources::ResourceService& service,
                                           const contract::Contract& contract,
                                           std::vector<NotImplementedOperation> ops)
    : store_(store), service_(service), contract_(contract), ops_(std::move(ops)) {}

int NotImplementedRoutes::register_routes(http::Router& router) {
  for (const auto& op : ops_) {
    const auto method = http::method_name(op.method);
    const auto* operation = contract_.operation(method, op.path);
    // A 501 for an operation the document does not have would be a route of our own making.
    if (!operation)
      throw std::logic_error("no contract operation " + std::string(method) + " " + op.path);
    http::Route route;
    route.method = op.method;
    route.path = op.path;
    route.operation = operation;
    route.body_check = http::BodyCheck::kContract;
    route.handler = [this, &op](http::Context&& ctx, http::Reply reply) {
      const ApiError missing(ErrorCode::kNotImplemented, op.message);
      if (!op.target) throw missing;
      reply_from_read(
          store_, std::move(reply), ctx.request.request_id,
          [this, &op, missing, org = std::move(ctx.org_id),
           id = ascii_lower(ctx.request.param("id"))](storage::Session& s) -> http::Response {
            service_.get(s, *op.target, org, id);  // its 404 first
            throw missing;
          });
    };
    router.add(std::move(route));
  }
  return static_cast<int>(ops_.size());
}

}  // namespace sb::api
