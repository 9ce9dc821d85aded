#pragma once
// What the unit tests that go through http::Dispatcher share: an authenticator that reads the
// org from the key itself, a request for a target as the server would parse it, and the wait
// for a reply that handlers may give from other threads.

#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "http/dispatcher.hpp"
#include "http/message.hpp"
#include "net/wire_format.hpp"

namespace sb::test {

/// "<prefix><org>" is the key of <org> (with an empty prefix every key is an org); "slow" is
/// throttled for 1.5 s; anything else is invalid.
class FakeAuthenticator final : public http::Authenticator {
 public:
  explicit FakeAuthenticator(std::string prefix = "key-") : prefix_(std::move(prefix)) {}

  void authenticate(std::string token, std::string_view,
                    std::function<void(http::AuthResult)> done) override {
    if (token == "slow")
      return done({http::AuthResult::Status::kThrottled, {}, std::chrono::milliseconds(1500)});
    if (token.starts_with(prefix_))
      return done({http::AuthResult::Status::kOk, token.substr(prefix_.size()), {}});
    done({});
  }

 private:
  std::string prefix_;
};

/// A request for `target` ("/path?a=1&b") as the server reads it: path and query split and
/// percent-decoded by the networking layer's own parser. Throws on a target the server would
/// refuse, so a test cannot pass on a request no client could send.
inline http::Request request_for(http::Method method, std::string target) {
  http::Request r;
  r.method = method;
  if (!net::parse_target(target, r)) throw std::invalid_argument("malformed target " + target);
  r.target = std::move(target);
  return r;
}

/// Dispatches `request` and waits for its reply.
inline http::Response dispatch_and_wait(const http::Dispatcher& dispatcher, http::Request request) {
  std::promise<http::Response> done;
  dispatcher.dispatch(std::move(request),
                      [&](http::Response response) { done.set_value(std::move(response)); });
  return done.get_future().get();
}

/// The body of a JSON response, parsed; null when it is empty.
inline boost::json::value json_body(const http::Response& response) {
  const std::string& text = response.shared_body ? *response.shared_body : response.body;
  return text.empty() ? boost::json::value() : boost::json::parse(text);
}

}  // namespace sb::test
