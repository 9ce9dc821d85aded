#include "api/resources/resource_controller.hpp"

#include <boost/json/parse.hpp>

#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/error_response.hpp"
#include "http/json_body.hpp"
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

// Path parameters besides `id` scope an item (a provider resource's provider).
bool has_scope(const http::Fields& path_params) {
  for (const auto& [name, value] : path_params)
    if (name != "id") return true;
  return false;
}

// A stored document as `view` shows it.
std::string apply_view(const std::string& stored, const View& view, const http::Request& request) {
  auto doc = boost::json::parse(stored).as_object();
  view(doc, request);
  return json_text(doc);
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
      cache_(kCachedObjects, kCachedListBytes),
      // Whoever wrote (this controller, the chat service, the routing engine, another
      // instance), the cache hears of it before the writer is answered.
      changes_(store.changes().subscribe([this](const storage::ResourceChange& change) {
        if (change.is_everything()) return cache_.clear();
        if (change.kind != spec_.kind) return;
        cache_.committed_write(change.org_id, change.id, change.document);
      })) {}

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
    if (method == Method::kPost && routes_.upload) route.body_limit = routes_.upload_body_limit;
    router.add(std::move(route));
    ++added;
  };
  std::vector<std::string> lists = routes_.lists;
  lists.insert(lists.begin(), routes_.collection);
  for (const auto& path : lists) {
    if (routes_.creates)
      add(Method::kPost, path, [this](http::Context&& ctx, http::Reply reply) {
        create(std::move(ctx), std::move(reply));
      });
    const auto* op = contract_->operation("get", path);
    if (!op) continue;
    add(Method::kGet, path,
        [this, op, view = view_of(path)](http::Context&& ctx, http::Reply reply) {
          list(*op, view, std::move(ctx), std::move(reply));
        });
  }
  std::vector<std::string> items = routes_.items;
  items.insert(items.begin(), routes_.item);
  for (const auto& path : items) {
    add(Method::kGet, path, [this, view = view_of(path)](http::Context&& ctx, http::Reply reply) {
      get(view, std::move(ctx), std::move(reply));
    });
    // The PATCH schema may depend on the stored object (its discriminator), so the handler
    // validates the body in the same transaction as the update.
    if (const auto* op = contract_->operation("patch", path); op && routes_.updates)
      add(
          Method::kPatch, path,
          [this, op](http::Context&& ctx, http::Reply reply) {
            update(*op, std::move(ctx), std::move(reply));
          },
          http::BodyCheck::kHandler);
    add(Method::kDelete, path, [this](http::Context&& ctx, http::Reply reply) {
      remove(std::move(ctx), std::move(reply));
    });
  }
  return added;
}

const View* ResourceController::view_of(const std::string& path) const {
  const auto it = routes_.views.find(path);
  return it == routes_.views.end() ? nullptr : &it->second;
}

void ResourceController::check_scope(const boost::json::object& doc,
                                     const http::Fields& path_params) const {
  for (const auto& [name, value] : path_params)
    if (name != "id" && string_at(doc, name) != value)
      throw ApiError::not_found(spec_.noun + " not found");
}

ResponseCache::Body ResourceController::shown(Body stored, const View* view,
                                              const http::Request& request) const {
  const bool scoped = has_scope(request.path_params);
  if (!view && !scoped) return stored;
  auto doc = boost::json::parse(*stored).as_object();
  if (scoped) check_scope(doc, request.path_params);
  if (!view) return stored;
  (*view)(doc, request);
  return share(json_text(doc));
}

void ResourceController::create(http::Context&& ctx, http::Reply reply) {
  if (routes_.upload) return create_upload(std::move(ctx), std::move(reply));
  // An operation that declares no body schema (a provider resource: the provider's own
  // format) still takes a JSON object, which the dispatcher left unparsed.
  if (ctx.body.is_null()) ctx.body = http::parse_json_body(ctx.request);
  auto body = std::move(ctx.body.as_object());
  // Path parameters of the collection (a provider resource's provider and resourceName)
  // belong to the object.
  for (const auto& [name, value] : ctx.request.path_params) body[name] = value;
  if (!spec_.before_create) return store_created(std::move(ctx), std::move(reply), std::move(body));
  // The pre-create step finishes on another thread; the request waits for it here.
  struct Pending {
    http::Context ctx;
    http::Reply reply;
    boost::json::object body;
  };
  auto pending =
      std::make_shared<Pending>(Pending{std::move(ctx), std::move(reply), std::move(body)});
  spec_.before_create(
      pending->body, pending->ctx.org_id, [this, pending](std::exception_ptr error) {
        if (error) {
          pending->reply(http::error_response(error, pending->ctx.request.request_id));
          return;
        }
        store_created(std::move(pending->ctx), std::move(pending->reply), std::move(pending->body));
      });
}

void ResourceController::store_created(http::Context&& ctx, http::Reply reply,
                                       boost::json::object body) {
  write(std::move(ctx), std::move(reply), 201,
        // Copied, not moved, into the service: a job may run twice (store.hpp).
        [this, org = ctx.org_id, body = std::move(body)](storage::Session& s) {
          return service_.create(s, spec_, org, body);
        });
}

// The upload is read on a storage reader (file work blocks), then created like any object;
// its own work runs in the same write job, once the object exists.
void ResourceController::create_upload(http::Context&& ctx, http::Reply reply) {
  store_.post_read(
      [this, ctx = std::move(ctx), reply = std::move(reply)](storage::Session&) mutable {
        Upload upload;
        try {
          upload = routes_.upload(ctx.request, ctx.org_id);
        } catch (...) {
          reply(http::error_response(std::current_exception(), ctx.request.request_id));
          return;
        }
        write(std::move(ctx), std::move(reply), 201,
              [this, org = ctx.org_id, upload = std::move(upload)](storage::Session& s) {
                auto written = service_.create(s, spec_, org, upload.body);
                if (upload.on_created) upload.on_created(s, written);
                return written;
              });
      });
}

void ResourceController::list(const contract::Operation& op, const View* view, http::Context&& ctx,
                              http::Reply reply) {
  const bool paged = answers_page(op);
  auto query = resource_query(op, ctx.request, routes_.param_fields, paged);
  std::string key = list_key(ctx.request);
  if (auto hit = cache_.find_list(ctx.org_id, key)) {
    reply(http::Response::json(200, std::move(hit)));
    return;
  }
  const auto generation = cache_.generation(ctx.org_id);
  // Copied first: the job below takes the request (argument order is unspecified).
  std::string request_id = ctx.request.request_id;
  reply_from_read(
      store_, std::move(reply), std::move(request_id),
      [this, org = std::move(ctx.org_id), key = std::move(key), generation, paged,
       query = std::move(query), view, request = std::move(ctx.request)](storage::Session& s) {
        auto page = service_.list(s, spec_, org, query);
        if (view)
          for (auto& d : page.documents) d = apply_view(d, *view, request);
        auto body = share(render_list(page, query, paged));
        cache_.offer_list(org, key, body, generation);
        return http::Response::json(200, std::move(body));
      });
}

ResponseCache::Body ResourceController::with_live(Body stored, std::string_view org_id,
                                                  std::string_view id) const {
  if (!routes_.live || !routes_.live->find) return stored;
  auto fields = routes_.live->find(org_id, id);
  if (!fields) return stored;
  auto doc = boost::json::parse(*stored).as_object();
  for (auto& [key, value] : *fields) doc[key] = std::move(value);
  return share(json_text(doc));
}

void ResourceController::get(const View* view, http::Context&& ctx, http::Reply reply) {
  const std::string id = id_param(ctx.request);
  if (auto hit = cache_.find_object(ctx.org_id, id)) {
    hit = with_live(std::move(hit), ctx.org_id, id);
    reply(http::Response::json(200, shown(std::move(hit), view, ctx.request)));
    return;
  }
  const auto generation = cache_.generation(ctx.org_id);
  std::string request_id = ctx.request.request_id;  // as in list()
  reply_from_read(store_, std::move(reply), std::move(request_id),
                  [this, org = std::move(ctx.org_id), id, generation, view,
                   request = std::move(ctx.request)](storage::Session& s) {
                    auto body = share(service_.get(s, spec_, org, id));
                    cache_.offer_object(org, id, body, generation);
                    body = with_live(std::move(body), org, id);
                    return http::Response::json(200, shown(std::move(body), view, request));
                  });
}

void ResourceController::update(const contract::Operation& op, http::Context&& ctx,
                                http::Reply reply) {
  // As on create: without a body schema the body is any JSON object.
  if (!op.request_body) ctx.body = http::parse_json_body(ctx.request);
  write(std::move(ctx), std::move(reply), 200,
        [this, &op, org = ctx.org_id, id = id_param(ctx.request), params = ctx.request.path_params,
         body = std::move(ctx.body)](storage::Session& s) {
          if (has_scope(params)) check_scope(service_.load(s, spec_, org, id), params);
          contract::ValidateOptions options;
          std::string discriminator;
          if (!spec_.discriminator.empty()) {
            discriminator = string_at(service_.load(s, spec_, org, id), spec_.discriminator);
            options.discriminator_default = discriminator;
          }
          if (op.request_body) {
            auto messages = contract_->validate(*op.request_body, body, options);
            if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
          }
          return service_.update(s, spec_, org, id, body.as_object());
        });
}

void ResourceController::remove(http::Context&& ctx, http::Reply reply) {
  write(std::move(ctx), std::move(reply), 200,
        [this, org = ctx.org_id, id = id_param(ctx.request),
         params = ctx.request.path_params](storage::Session& s) {
          if (has_scope(params)) check_scope(service_.load(s, spec_, org, id), params);
          return service_.remove(s, spec_, org, id);
        });
}

void ResourceController::write(http::Context&& ctx, http::Reply reply, int status,
                               std::function<resources::Written(storage::Session&)> work) {
  reply_after_write(store_, std::move(reply), ctx.request.request_id,
                    [status, work = std::move(work)](storage::Session& s) {
                      return http::Response::json(status, work(s).document);
                    });
}

}  // namespace sb::api
