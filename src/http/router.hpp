#pragma once
// Route table: method + path template ("/phone-number/{id}") → handler. Built once at start-up;
// matching walks path segments through a trie, so its cost does not grow with the number of
// routes and no regular expressions are involved.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "http/message.hpp"

namespace sb::contract {
struct Operation;
}

namespace sb::http {

/// What a handler receives: the request, the caller's org (authenticated routes), and the
/// JSON body already parsed and, unless the route validates it itself, checked by the contract.
struct Context {
  Request request;
  std::string org_id;
  boost::json::value body;
};

using Handler = std::function<void(Context&&, Reply)>;

enum class BodyCheck {
  kContract,  ///< the dispatcher validates the body against the operation's request schema
  kHandler,   ///< the handler validates (e.g. a PATCH whose schema depends on stored state)
};

struct Route {
  Method method = Method::kGet;
  std::string path;  ///< template; `{name}` marks a parameter segment
  Handler handler;
  bool authenticated = true;
  /// The contract operation this route serves (path/query/body validation); nullptr for
  /// routes outside the API document such as /health.
  const contract::Operation* operation = nullptr;
  BodyCheck body_check = BodyCheck::kContract;
  /// The largest request body this route accepts, in bytes; 0 leaves it to the dispatcher's
  /// defaults (see DispatcherOptions). A larger body is answered 413 before it is read.
  std::size_t body_limit = 0;
  /// Path parameters that are secrets (capability URLs such as /file-content/{file}): the
  /// access log shows them as `<redacted>`.
  std::vector<std::string> secret_params;
  /// Request headers the handler reads (lower-case names, e.g. a provider's signature); only
  /// these reach it in Request::headers.
  std::vector<std::string> headers;
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  /// Throws std::logic_error if the same method and template are added twice.
  void add(Route route);

  struct Match {
    const Route* route = nullptr;
    Fields params;
  };
  /// `path` is the decoded path; segments are split on '/'. A trailing slash is ignored.
  Match match(Method method, std::string_view path) const;

  /// Every registered route, in registration order (for tests and /api-json).
  std::vector<const Route*> routes() const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace sb::http
