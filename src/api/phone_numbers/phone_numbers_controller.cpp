#include "api/phone_numbers/phone_numbers_controller.hpp"

#include "api/common/list_params.hpp"
#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "domain/phone_numbers/phone_number_service.hpp"

namespace sb::api {

using http::Method;

void PhoneNumbersController::register_routes(http::Router& router) {
  struct Entry {
    Method method;
    const char* path;
    void (PhoneNumbersController::*handler)(http::Context&&, http::Reply);
    http::BodyCheck body_check;
  };
  static constexpr Entry kRoutes[] = {
      {Method::kPost, "/phone-number", &PhoneNumbersController::create, http::BodyCheck::kContract},
      {Method::kGet, "/phone-number", &PhoneNumbersController::list, http::BodyCheck::kContract},
      {Method::kGet, "/v2/phone-number", &PhoneNumbersController::list_paginated,
       http::BodyCheck::kContract},
      {Method::kGet, "/phone-number/{id}", &PhoneNumbersController::get,
       http::BodyCheck::kContract},
      // The PATCH schema depends on the stored provider, so the handler validates the body.
      {Method::kPatch, "/phone-number/{id}", &PhoneNumbersController::update,
       http::BodyCheck::kHandler},
      {Method::kDelete, "/phone-number/{id}", &PhoneNumbersController::remove,
       http::BodyCheck::kContract},
  };
  for (const auto& e : kRoutes) {
    http::Route route;
    route.method = e.method;
    route.path = e.path;
    route.operation = contract_->operation(http::method_name(e.method), e.path);
    if (!route.operation)
      throw std::logic_error(std::string("no contract operation for ") + e.path);
    route.body_check = e.body_check;
    route.handler = [this, h = e.handler](http::Context&& ctx, http::Reply reply) {
      (this->*h)(std::move(ctx), std::move(reply));
    };
    router.add(std::move(route));
  }
}

PhoneNumbersController::PhoneNumbersController(storage::Store& store,
                                               const phone_numbers::PhoneNumberService& service,
                                               std::shared_ptr<const contract::Contract> contract)
    : store_(store), service_(service), contract_(std::move(contract)) {}

namespace {

http::Response json_ok(int status, std::string body) {
  return http::Response::json(status, std::move(body));
}

}  // namespace

void PhoneNumbersController::create(http::Context&& ctx, http::Reply reply) {
  reply_after_write(store_, std::move(reply), ctx.request.request_id,
                    [this, org = std::move(ctx.org_id),
                     body = std::move(ctx.body.as_object())](storage::Session& s) mutable {
                      return json_ok(201, service_.create(s, org, std::move(body)));
                    });
}

void PhoneNumbersController::list(http::Context&& ctx, http::Reply reply) {
  auto filter = time_filter_from(ctx.request);
  const auto limit = integer_query(ctx.request, "limit", 100);
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, org = std::move(ctx.org_id), filter, limit](storage::Session& s) {
                    return json_ok(200, service_.list(s, org, filter, limit));
                  });
}

void PhoneNumbersController::list_paginated(http::Context&& ctx, http::Reply reply) {
  storage::PhoneNumberPageQuery q;
  q.filter = time_filter_from(ctx.request);
  q.limit = integer_query(ctx.request, "limit", 100);
  q.page = integer_query(ctx.request, "page", 1);
  q.ascending = ctx.request.query_value("sortOrder") == "ASC";
  q.search = std::string(ctx.request.query_value("search").value_or(""));
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, org = std::move(ctx.org_id), q = std::move(q)](storage::Session& s) {
                    return json_ok(200, service_.page(s, org, q));
                  });
}

void PhoneNumbersController::get(http::Context&& ctx, http::Reply reply) {
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, org = std::move(ctx.org_id), id = ctx.request.param("id")](
                      storage::Session& s) { return json_ok(200, service_.get(s, org, id)); });
}

void PhoneNumbersController::update(http::Context&& ctx, http::Reply reply) {
  // Validation needs the stored provider, read in the same transaction as the update.
  reply_after_write(
      store_, std::move(reply), ctx.request.request_id,
      [this, org = std::move(ctx.org_id), id = ctx.request.param("id"), body = std::move(ctx.body),
       op = contract_->operation("patch", "/phone-number/{id}")](storage::Session& s) mutable {
        const std::string provider = service_.provider_of(s, org, id);
        contract::ValidateOptions options;
        options.discriminator_default = provider;
        auto messages = contract_->validate(*op->request_body, body, options);
        if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
        return json_ok(200, service_.update(s, org, id, std::move(body.as_object())));
      });
}

void PhoneNumbersController::remove(http::Context&& ctx, http::Reply reply) {
  reply_after_write(store_, std::move(reply), ctx.request.request_id,
                    [this, org = std::move(ctx.org_id), id = ctx.request.param("id")](
                        storage::Session& s) { return json_ok(200, service_.remove(s, org, id)); });
}

}  // namespace sb::api
