#include "api/phone_numbers/phone_numbers_controller.hpp"

#include "api/common/list_params.hpp"
#include "api/common/response_cache.hpp"
#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/text.hpp"
#include "domain/phone_numbers/phone_number_service.hpp"
#include "storage/store.hpp"

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
                                               std::shared_ptr<const contract::Contract> contract,
                                               ResponseCache& cache)
    : store_(store), service_(service), contract_(std::move(contract)), cache_(cache) {}

namespace {

using Body = ResponseCache::Body;

Body share(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// The query as sent, which names a cached list page. Equal queries in another parameter order
// are cached twice; that costs memory, never correctness.
std::string query_key(const http::Request& request) {
  const auto q = request.target.find('?');
  return q == std::string::npos ? std::string() : request.target.substr(q + 1);
}

// Ids are stored in lower case; UUIDs compare case-insensitively.
std::string id_param(const http::Request& request) {
  return ascii_lower(request.param("id"));
}

}  // namespace

void PhoneNumbersController::create(http::Context&& ctx, http::Reply reply) {
  write(std::move(ctx), std::move(reply), 201, false,
        [this, org = ctx.org_id, body = std::move(ctx.body.as_object())](
            storage::Session& s) mutable { return service_.create(s, org, std::move(body)); });
}

void PhoneNumbersController::list(http::Context&& ctx, http::Reply reply) {
  auto filter = time_filter_from(ctx.request);
  const auto limit = integer_query(ctx.request, "limit", 100);
  cached_list(std::move(ctx), std::move(reply),
              [this, filter, limit](storage::Session& s, const std::string& org) {
                return service_.list(s, org, filter, limit);
              });
}

void PhoneNumbersController::list_paginated(http::Context&& ctx, http::Reply reply) {
  storage::PhoneNumberPageQuery q;
  q.filter = time_filter_from(ctx.request);
  q.limit = integer_query(ctx.request, "limit", 100);
  q.page = integer_query(ctx.request, "page", 1);
  q.ascending = ctx.request.query_value("sortOrder") == "ASC";
  q.search = fold_case(ctx.request.query_value("search").value_or(""));
  cached_list(std::move(ctx), std::move(reply),
              [this, q = std::move(q)](storage::Session& s, const std::string& org) {
                return service_.page(s, org, q);
              });
}

void PhoneNumbersController::cached_list(
    http::Context&& ctx, http::Reply reply,
    std::function<std::string(storage::Session&, const std::string&)> render) {
  // /phone-number and /v2/phone-number take different parameters, so the path is part of
  // the key.
  std::string key = ctx.request.path + '?' + query_key(ctx.request);
  if (auto hit = cache_.find_list(ctx.org_id, key)) {
    reply(http::Response::json(200, std::move(hit)));
    return;
  }
  const auto generation = cache_.generation(ctx.org_id);
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, org = std::move(ctx.org_id), key = std::move(key), generation,
                   render = std::move(render)](storage::Session& s) {
                    auto body = share(render(s, org));
                    cache_.offer_list(org, key, body, generation);
                    return http::Response::json(200, std::move(body));
                  });
}

void PhoneNumbersController::get(http::Context&& ctx, http::Reply reply) {
  const std::string id = id_param(ctx.request);
  if (auto hit = cache_.find_object(ctx.org_id, id)) {
    reply(http::Response::json(200, std::move(hit)));
    return;
  }
  const auto generation = cache_.generation(ctx.org_id);
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, org = std::move(ctx.org_id), id, generation](storage::Session& s) {
                    auto body = share(service_.get(s, org, id));
                    cache_.offer_object(org, id, body, generation);
                    return http::Response::json(200, std::move(body));
                  });
}

void PhoneNumbersController::update(http::Context&& ctx, http::Reply reply) {
  // Validation needs the stored provider, read in the same transaction as the update.
  write(std::move(ctx), std::move(reply), 200, false,
        [this, org = ctx.org_id, id = id_param(ctx.request), body = std::move(ctx.body),
         op = contract_->operation("patch", "/phone-number/{id}")](storage::Session& s) mutable {
          contract::ValidateOptions options;
          const std::string provider = service_.provider_of(s, org, id);
          options.discriminator_default = provider;
          auto messages = contract_->validate(*op->request_body, body, options);
          if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
          return service_.update(s, org, id, std::move(body.as_object()));
        });
}

void PhoneNumbersController::remove(http::Context&& ctx, http::Reply reply) {
  write(std::move(ctx), std::move(reply), 200, true,
        [this, org = ctx.org_id, id = id_param(ctx.request)](storage::Session& s) {
          return service_.remove(s, org, id);
        });
}

void PhoneNumbersController::write(http::Context&& ctx, http::Reply reply, int status, bool deletes,
                                   std::function<phone_numbers::Written(storage::Session&)> work) {
  reply_after_write(store_, std::move(reply), ctx.request.request_id,
                    [this, status, deletes, org = std::move(ctx.org_id),
                     work = std::move(work)](storage::Session& s) {
                      auto written = work(s);
                      auto body = share(std::move(written.document));
                      s.after_commit([this, org, id = std::move(written.id), body, deletes] {
                        cache_.committed_write(org, id, deletes ? nullptr : body);
                      });
                      return http::Response::json(status, body);
                    });
}

}  // namespace sb::api
