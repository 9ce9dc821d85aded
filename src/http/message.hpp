#pragma once
// The HTTP request and response as the application sees them: plain values, no Beast types,
// so controllers and their tests compile without the networking headers.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::http {

class BodyStream;

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method m);
/// The standard reason phrase of a status code ("Not Found"); "Unknown" when there is none.
std::string_view reason_phrase(int status);
Method parse_method(std::string_view name);

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::kGet;
  std::string target;  ///< as received, e.g. /phone-number?limit=5
  std::string path;    ///< decoded path, without the query
  Fields query;        ///< decoded query parameters, in order
  std::string body;
  std::string content_type;
  std::string authorization;
  std::string request_id;
  std::string remote_address;  ///< the peer's IP address, as text ("-" when unknown)
  Fields path_params;          ///< filled in by the router
  /// The headers the route declares it reads (Route::headers) that the request carries, names
  /// in lower case. Every other header is dropped before the handler runs.
  Fields headers;

  /// The named path parameter ("" when the route has none of that name).
  const std::string& param(std::string_view name) const;
  /// The first query value of `name`, if present.
  std::optional<std::string_view> query_value(std::string_view name) const;
  /// The forwarded header `name` (lower case), or "".
  std::string_view header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string body;
  /// When set, the body is this shared, immutable text instead of `body` (cached responses
  /// are written without a copy).
  std::shared_ptr<const std::string> shared_body;
  std::string content_type = "application/json; charset=utf-8";
  Fields headers;
  /// When set, the body is produced over time (body and shared_body are ignored): the server
  /// sends the head at once, then each chunk as the producer writes it, until it closes.
  std::shared_ptr<BodyStream> stream;

  static Response json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response json(int status, std::shared_ptr<const std::string> body) {
    Response r;
    r.status = status;
    r.shared_body = std::move(body);
    return r;
  }
  std::size_t body_size() const { return shared_body ? shared_body->size() : body.size(); }
};

/// Completes a request. Call exactly once, from any thread: the networking layer moves the
/// response back to the connection's own executor.
using Reply = std::function<void(Response)>;

}  // namespace sb::http
