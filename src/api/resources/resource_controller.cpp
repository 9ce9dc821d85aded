#include "api/resources/resource_controller.hpp"

#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/text.hpp"
#include "domain/resources/document_paths.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/store.hpp"

namespace sb::api {
namespace {

using Body = ResponseCache::Body;
using http::Method;

// Cache bounds per resource: objects by count, list pages by bytes.
constexpr std::size_t kCachedObjects = 10000;
constexpr std::size_t kCachedListBytes = 8 << 20;

Body share(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// Ids are stored in lower case; UUIDs compare case-insensitively.
std::string id_param(const http::Request& request) {
  return ascii_lower(request.param("id"));
}

// The query as sent names a cached list page. Equal queries in another parameter order are
// cached twice; that costs memory, never correctness.
std::string list_key(const http::Request& request) {
  const auto q = request.target.find('?');
  return request.path + '?' + (q == std::string::npos ? "" : request.target.substr(q + 1));
}

bool answers_page(const contract::Operation& op) {
  return !op.response || contract::Contract::kind_of(*op.response) != contract::ValueKind::kArray;
}

}  // namespace

ResourceController::ResourceController(storage::Store& store,
                                       const resources::ResourceService& service,
                                       std::shared_ptr<const contract::Contract> contract,
                                       const resources::ResourceSpec& spec, ResourceRoutes routes)
    : store_(store),
      service_(service),
      contract_(std::move(contract)),
      spec_(spec),
      routes_(std::move(routes)),
      cache_(kCachedObjects, kCachedListBytes) {}

int ResourceController::register_routes(http::Router& router) {
  int added = 0;
  auto add = [&](Method method, const std::string& path, http::Handler handler,
                 http::BodyCheck check = http::BodyCheck::kContract) {
    const auto* op = contract_->operation(http::method_name(method), path);
    if (!op) return;
    http::Route route;
    route.method = method;
    route.path = path;
    route.operation = op;
    route.body_check = check;
    route.handler = std::move(handler);
    router.add(std::move(route));
    ++added;
  };
  auto bind = [this](void (ResourceController::*h)(http::Context&&, http::Reply)) {
    return [this, h](http::Context&& ctx, http::Reply reply) {
      (this->*h)(std::move(ctx), std::move(reply));
    };
  };
  add(Method::kPost, routes_.collection, bind(&ResourceController::create));
  std::vector<std::string> lists = routes_.lists;
  lists.insert(lists.begin(), routes_.collection);
  for (const auto& path : lists) {
    const auto* op = contract_->operation("get", path);
    if (!op) continue;
    add(Method::kGet, path, [this, op](http::Context&& ctx, http::Reply reply) {
      list(*op, std::move(ctx), std::move(reply));
    });
  }
  add(Method::kGet, routes_.item, bind(&ResourceController::get));
  // The PATCH schema may depend on the stored object (its discriminator), so the handler
  // validates the body in the same transaction as the update.
  add(Method::kPatch, routes_.item, bind(&ResourceController::update), http::BodyCheck::kHandler);
  add(Method::kDelete, routes_.item, bind(&ResourceController::remove));
  return added;
}

void ResourceController::create(http::Context&& ctx, http::Reply reply) {
  auto body = std::move(ctx.body.as_object());
  // Path parameters of the collection (a provider resource's provider and resourceName)
  // belong to the object.
  for (const auto& [name, value] : ctx.request.path_params) body[name] = value;
  write(std::move(ctx), std::move(reply), 201, false,
        [this, org = ctx.org_id, body = std::move(body)](storage::Session& s) mutable {
          return service_.create(s, spec_, org, std::move(body));
        });
}

void ResourceController::list(const contract::Operation& op, http::Context&& ctx,
                              http::Reply reply) {
  const bool paged = answers_page(op);
  auto query = resource_query(op, ctx.request, routes_.param_fields, paged);
  std::string key = list_key(ctx.request);
  if (auto hit = cache_.find_list(ctx.org_id, key)) {
    reply(http::Response::json(200, std::move(hit)));
    return;
  }
  const auto generation = cache_.generation(ctx.org_id);
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, org = std::move(ctx.org_id), key = std::move(key), generation, paged,
                   query = std::move(query)](storage::Session& s) {
                    auto body =
                        share(render_list(service_.list(s, spec_, org, query), query, paged));
                    cache_.offer_list(org, key, body, generation);
                    return http::Response::json(200, std::move(body));
                  });
}

void ResourceController::get(http::Context&& ctx, http::Reply reply) {
  const std::string id = id_param(ctx.request);
  if (auto hit = cache_.find_object(ctx.org_id, id)) {
    reply(http::Response::json(200, std::move(hit)));
    return;
  }
  const auto generation = cache_.generation(ctx.org_id);
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, org = std::move(ctx.org_id), id, generation](storage::Session& s) {
                    auto body = share(service_.get(s, spec_, org, id));
                    cache_.offer_object(org, id, body, generation);
                    return http::Response::json(200, std::move(body));
                  });
}

void ResourceController::update(http::Context&& ctx, http::Reply reply) {
  const auto* op = contract_->operation("patch", routes_.item);
  write(std::move(ctx), std::move(reply), 200, false,
        [this, op, org = ctx.org_id, id = id_param(ctx.request),
         body = std::move(ctx.body)](storage::Session& s) mutable {
          contract::ValidateOptions options;
          std::string discriminator;
          if (!spec_.discriminator.empty()) {
            discriminator =
                resources::string_at(service_.load(s, spec_, org, id), spec_.discriminator);
            options.discriminator_default = discriminator;
          }
          auto messages = contract_->validate(*op->request_body, body, options);
          if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
          return service_.update(s, spec_, org, id, std::move(body.as_object()));
        });
}

void ResourceController::remove(http::Context&& ctx, http::Reply reply) {
  write(std::move(ctx), std::move(reply), 200, true,
        [this, org = ctx.org_id, id = id_param(ctx.request)](storage::Session& s) {
          return service_.remove(s, spec_, org, id);
        });
}

void ResourceController::write(http::Context&& ctx, http::Reply reply, int status, bool deletes,
                               std::function<resources::Written(storage::Session&)> work) {
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
