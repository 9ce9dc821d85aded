#include "api/evals/simulation_routes.hpp"

#include <stdexcept>

#include "api/common/storage_reply.hpp"
#include "api/resources/list_request.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "runtime/evals/simulation_runner.hpp"
#include "storage/store.hpp"

namespace sb::api {
namespace json = boost::json;

namespace {

// Answers with the runner's object (`status`) or its error.
evals::SimulationReply answer(http::Reply reply, std::string request_id, int status) {
  return [reply = std::move(reply), request_id = std::move(request_id), status](
             std::exception_ptr error, json::object result) {
    if (error) return reply(http::error_response(error, request_id));
    reply(http::Response::json(status, json_text(result)));
  };
}

}  // namespace

int SimulationRoutes::register_routes(http::Router& router) {
  int added = 0;
  const auto add = [&](http::Method method, const char* path, http::Handler handler) {
    const auto* op = contract_.operation(http::method_name(method), path);
    if (!op) throw std::logic_error(std::string("no contract operation for ") + path);
    http::Route route;
    route.method = method;
    route.path = path;
    route.operation = op;
    route.handler = std::move(handler);
    router.add(std::move(route));
    ++added;
  };
  using http::Method;
  add(Method::kPost, "/eval/simulation/run", [this](http::Context&& ctx, http::Reply reply) {
    runner_.create(std::move(ctx.org_id), std::move(ctx.body.as_object()),
                   answer(std::move(reply), ctx.request.request_id, 201));
  });
  add(Method::kPatch, "/eval/simulation/run/{id}", [this](http::Context&& ctx, http::Reply reply) {
    runner_.cancel_run(std::move(ctx.org_id), ascii_lower(ctx.request.param("id")),
                       answer(std::move(reply), ctx.request.request_id, 200));
  });
  add(Method::kPatch, "/eval/simulation/run/{id}/item/{itemId}",
      [this](http::Context&& ctx, http::Reply reply) {
        runner_.cancel_item(std::move(ctx.org_id), ascii_lower(ctx.request.param("id")),
                            ascii_lower(ctx.request.param("itemId")),
                            answer(std::move(reply), ctx.request.request_id, 200));
      });
  add(Method::kPost, "/eval/simulation/run/{id}/item/{itemId}/generate",
      [this](http::Context&& ctx, http::Reply reply) {
        const auto flag = [&](std::string_view name) {
          return ctx.request.query_value(name).value_or("") == "true";
        };
        runner_.suggest(std::move(ctx.org_id), ascii_lower(ctx.request.param("id")),
                        ascii_lower(ctx.request.param("itemId")), flag("force"), flag("persist"),
                        answer(std::move(reply), ctx.request.request_id, 201));
      });
  add(Method::kPost, "/eval/simulation/scenario/generate",
      [this](http::Context&& ctx, http::Reply reply) {
        runner_.generate_scenarios(std::move(ctx.org_id), std::move(ctx.body.as_object()),
                                   answer(std::move(reply), ctx.request.request_id, 201));
      });
  add(Method::kGet, "/eval/simulation/concurrency", [this](http::Context&& ctx, http::Reply reply) {
    reply(http::Response::json(200, json_text(runner_.concurrency(ctx.org_id))));
  });
  const auto* items_op = contract_.operation("get", "/eval/simulation/run/{id}/item");
  add(Method::kGet, "/eval/simulation/run/{id}/item",
      [this, items_op](http::Context&& ctx, http::Reply reply) {
        // The run's items: `runId` is the path's; the other parameters filter as documented.
        auto query = resource_query(*items_op, ctx.request, {{"id", ""}, {"runId", ""}}, false);
        const auto run_id = ascii_lower(ctx.request.param("id"));
        query.fields.push_back({"runId",
                                storage::FieldFilter::Op::kEquals,
                                storage::FieldFilter::Type::kText,
                                {run_id}});
        reply_from_read(store_, std::move(reply), ctx.request.request_id,
                        [this, org = std::move(ctx.org_id), run_id, query](storage::Session& s) {
                          service_.load(s, runs_, org, run_id);  // its 404
                          return http::Response::json(
                              200, render_list(service_.list(s, items_, org, query), query, false));
                        });
      });
  add(Method::kGet, "/eval/simulation/run/{id}/item/{itemId}",
      [this](http::Context&& ctx, http::Reply reply) {
        reply_from_read(
            store_, std::move(reply), ctx.request.request_id,
            [this, org = std::move(ctx.org_id), run_id = ascii_lower(ctx.request.param("id")),
             item_id = ascii_lower(ctx.request.param("itemId"))](storage::Session& s) {
              service_.load(s, runs_, org, run_id);
              auto item = service_.load(s, items_, org, item_id);
              if (string_at(item, "runId") != run_id)
                throw ApiError::not_found("Simulation run item not found");
              return http::Response::json(200, json_text(item));
            });
      });
  return added;
}

}  // namespace sb::api
