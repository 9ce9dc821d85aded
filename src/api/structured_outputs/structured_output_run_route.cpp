#include "api/structured_outputs/structured_output_run_route.hpp"

#include <stdexcept>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/json_text.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "runtime/analysis/structured_output_runs.hpp"

namespace sb::api {

int StructuredOutputRunRoute::register_routes(http::Router& router) {
  const auto* op = contract_.operation("post", "/structured-output/run");
  if (!op) throw std::logic_error("no contract operation POST /structured-output/run");
  http::Route route;
  route.method = http::Method::kPost;
  route.path = "/structured-output/run";
  route.operation = op;
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    auto* body = ctx.body.if_object();
    if (!body) throw ApiError::bad_request("the body must be a StructuredOutputRunDTO");
    runs_.run(std::move(ctx.org_id), std::move(*body),
              [reply = std::move(reply), request_id = ctx.request.request_id](
                  std::exception_ptr error, boost::json::object answer) {
                if (error) return reply(http::error_response(error, request_id));
                reply(http::Response::json(200, json_text(answer)));
              });
  };
  router.add(std::move(route));
  return 1;
}

}  // namespace sb::api
