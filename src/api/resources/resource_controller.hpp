#pragma once
// The HTTP surface of one configuration resource, on the generic engine: create, get, update,
// delete and its lists, for whichever of those operations the contract declares on the given
// paths. Bodies and queries are validated by the contract; the ResourceSpec supplies the rest.
// Reads of single objects and list pages are answered from a response cache when possible.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "api/common/response_cache.hpp"
#include "api/resources/list_request.hpp"
#include "http/router.hpp"
#include "storage/change_feed.hpp"

namespace sb::contract {
class Contract;
struct Operation;
}  // namespace sb::contract
namespace sb::storage {
class Session;
class Store;
}  // namespace sb::storage
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
struct Written;
}  // namespace sb::resources

namespace sb::api {

/// How a stored document is shown on one GET path (e.g. a summary on "/v2/campaign"), given
/// the request (its query may ask for more).
using View = std::function<void(boost::json::object& document, const http::Request& request)>;

/// What a create whose body is not JSON (an upload) stores: the document's fields, and work
/// for the write transaction once the object exists (e.g. registering, with after_commit, the
/// move of the uploaded bytes into place).
struct Upload {
  boost::json::object body;
  std::function<void(storage::Session& s, const resources::Written& created)> on_created;
};

/// Reads such a create. Runs on a storage reader thread, as it may do blocking file work
/// (never on an I/O thread, nor on the writer). Throws ApiError for a bad request.
using UploadReader = std::function<Upload(const http::Request& request, const std::string& org_id)>;

/// Fields of objects that live in memory while something runs them (a live call's messages so
/// far), shown over the stored document by GET on the item. `find` is set before the server
/// serves and answers from any thread; null when the object is not running here.
struct LiveFields {
  std::function<std::optional<boost::json::object>(std::string_view org_id, std::string_view id)>
      find;
};

struct ResourceRoutes {
  std::string collection;          ///< POST (create) and GET (list), e.g. "/assistant"
  std::string item;                ///< GET, PATCH, DELETE, e.g. "/assistant/{id}"
  std::vector<std::string> lists;  ///< further list paths, e.g. "/v2/phone-number" (and their
                                   ///< POST, where the contract declares one)
  ParamFields param_fields;        ///< list parameters that are not plain field filters
  /// Further item paths, e.g. "/v2/campaign/{id}". On every item path, path parameters other
  /// than `id` (a provider resource's provider) must match the object's fields, or it is 404.
  std::vector<std::string> items = {};
  /// Per GET path (list or item): how documents are shown there; others show them as stored.
  std::map<std::string, View, std::less<>> views = {};
  /// false when POST on the collection belongs to another route provider (e.g. a 501 until
  /// a later capability creates the objects).
  bool creates = true;
  /// false when PATCH on the item belongs to another route provider (a simulation run's
  /// PATCH cancels it).
  bool updates = true;
  /// Set when the create takes an upload rather than JSON (POST /file): how to read it, and
  /// the largest body its route accepts (refused with 413 before it is read).
  UploadReader upload = {};
  std::size_t upload_body_limit = 0;
  std::shared_ptr<const LiveFields> live = {};
};

class ResourceController {
 public:
  ResourceController(storage::Store& store, const resources::ResourceService& service,
                     std::shared_ptr<const contract::Contract> contract,
                     const resources::ResourceSpec& spec, ResourceRoutes routes);

  /// Adds a route for each operation the contract declares on the paths; returns how many.
  int register_routes(http::Router& router);

  const resources::ResourceSpec& spec() const { return spec_; }

 private:
  void create(http::Context&& ctx, http::Reply reply);
  void create_upload(http::Context&& ctx, http::Reply reply);
  /// The create's write job, after any spec.before_create step.
  void store_created(http::Context&& ctx, http::Reply reply, boost::json::object body);
  void list(const contract::Operation& op, const View* view, http::Context&& ctx,
            http::Reply reply);
  void get(const View* view, http::Context&& ctx, http::Reply reply);
  void update(const contract::Operation& op, http::Context&& ctx, http::Reply reply);
  void remove(http::Context&& ctx, http::Reply reply);
  const View* view_of(const std::string& path) const;
  /// Throws the resource's 404 unless the item path's parameters besides `id` match `doc`.
  void check_scope(const boost::json::object& doc, const http::Fields& path_params) const;
  /// `stored` as `view` shows it, after check_scope; `stored` itself when neither applies.
  ResponseCache::Body shown(ResponseCache::Body stored, const View* view,
                            const http::Request& request) const;
  /// `stored` with the fields that live in memory laid over it (routes_.live).
  ResponseCache::Body with_live(ResponseCache::Body stored, std::string_view org_id,
                                std::string_view id) const;
  void write(http::Context&& ctx, http::Reply reply, int status,
             std::function<resources::Written(storage::Session&)> work);

  storage::Store& store_;
  const resources::ResourceService& service_;
  std::shared_ptr<const contract::Contract> contract_;
  const resources::ResourceSpec& spec_;
  ResourceRoutes routes_;
  ResponseCache cache_;
  storage::ChangeFeed::Subscription changes_;  // last: unsubscribes before the cache goes
};

}  // namespace sb::api
