#include "api/evals/eval_run_routes.hpp"

#include <stdexcept>

#include "contract/contract.hpp"
#include "core/json_text.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "runtime/evals/eval_runner.hpp"

namespace sb::api {

int EvalRunRoutes::register_routes(http::Router& router) {
  const auto* op = contract_.operation("post", "/eval/run");
  if (!op) throw std::logic_error("no contract operation POST /eval/run");
  http::Route route;
  route.method = http::Method::kPost;
  route.path = "/eval/run";
  route.operation = op;
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    runner_.create(std::move(ctx.org_id), std::move(ctx.body.as_object()),
                   [reply = std::move(reply), request_id = ctx.request.request_id](
                       std::exception_ptr error, boost::json::object run) {
                     if (error) return reply(http::error_response(error, request_id));
                     reply(http::Response::json(201, json_text(run)));
                   });
  };
  router.add(std::move(route));
  return 1;
}

}  // namespace sb::api
