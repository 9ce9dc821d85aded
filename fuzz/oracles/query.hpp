#pragma once
// The oracle of fuzz_query: a request target as it arrives on the request line, split by
// net::parse_target, routed over the real phone-number route templates, then checked by the
// contract's path and query validation, in the dispatcher's order. Header-only and free of
// libFuzzer so a regression test can replay committed reproducers through the same checks.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "contract/contract.hpp"
#include "embedded_contract.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "net/wire_format.hpp"

namespace sb::fuzz {

/// validate_query's cap on messages.
inline constexpr std::size_t kMaxQueryMessages = 100;

/// The phone-number routes api::ResourceController::register_routes adds for the catalog entry
/// of app/catalog/catalog_telephony.cpp (which needs storage, so they are repeated here), with
/// handlers that do nothing: routing and validation are under test.
inline const http::Router& phone_number_router() {
  static const http::Router router = [] {
    struct Entry {
      http::Method method;
      const char* path;
    };
    static constexpr Entry kRoutes[] = {
        {http::Method::kPost, "/phone-number"},       {http::Method::kGet, "/phone-number"},
        {http::Method::kGet, "/v2/phone-number"},     {http::Method::kGet, "/phone-number/{id}"},
        {http::Method::kPatch, "/phone-number/{id}"}, {http::Method::kDelete, "/phone-number/{id}"},
    };
    http::Router r;
    for (const auto& e : kRoutes) {
      http::Route route;
      route.method = e.method;
      route.path = e.path;
      route.operation = embedded_contract().operation(http::method_name(e.method), e.path);
      if (!route.operation) throw std::logic_error(std::string("no operation for ") + e.path);
      route.handler = [](http::Context&&, http::Reply) {};
      r.add(std::move(route));
    }
    return r;
  }();
  return router;
}

/// Non-empty segments of a path, as the router splits it.
inline std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

inline std::string check_messages(std::string_view what, const std::vector<std::string>& messages,
                                  std::size_t cap) {
  if (messages.size() > cap)
    return std::string(what) + ": " + std::to_string(messages.size()) + " messages";
  for (std::size_t i = 0; i < messages.size(); ++i)
    if (messages[i].empty()) return std::string(what) + ": message " + std::to_string(i) + " empty";
  return {};
}

/// Empty when the target passes the oracle, else what is wrong.
inline std::string check_query(std::string_view target) {
  http::Request request;
  request.target = std::string(target);
  if (!net::parse_target(target, request)) return {};  // the server answers 400
  if (request.path.empty() || request.path.front() != '/')
    return "parse_target accepted a path that does not start with '/': " + request.path;

  // Every method of the table, and one without routes.
  for (const http::Method method : {http::Method::kGet, http::Method::kPost, http::Method::kPatch,
                                    http::Method::kDelete, http::Method::kPut}) {
    const auto match = phone_number_router().match(method, request.path);
    if (!match.route) {
      if (!match.params.empty()) return "no route, but path parameters were returned";
      continue;  // 404 "Cannot GET /path"
    }
    const auto& route = *match.route;
    if (route.method != method) return "matched a route of another method: " + route.path;
    // The template must describe the path: same segments, literals equal, parameters bound.
    const auto want = path_segments(route.path);
    const auto got = path_segments(request.path);
    if (want.size() != got.size()) return request.path + " matched " + route.path;
    std::size_t param = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (want[i].front() == '{') {
        if (param >= match.params.size()) return request.path + ": parameter not bound";
        const auto& [name, value] = match.params[param++];
        if (name != want[i].substr(1, want[i].size() - 2) || value != got[i])
          return request.path + ": parameter " + name + " bound to " + value;
      } else if (want[i] != got[i]) {
        return request.path + " matched " + route.path;
      }
    }
    if (param != match.params.size()) return request.path + ": extra path parameters";

    const auto& contract = embedded_contract();
    const auto& op = *route.operation;
    // A path parameter has a handful of checks (type, format, length, pattern): far fewer
    // than 32 messages each, unless something multiplies them.
    if (auto f = check_messages("validate_path", contract.validate_path(op, match.params),
                                match.params.size() * 32);
        !f.empty())
      return route.path + ": " + f;
    if (auto f = check_messages("validate_query", contract.validate_query(op, request.query),
                                kMaxQueryMessages);
        !f.empty())
      return route.path + ": " + f;
  }
  return {};
}

}  // namespace sb::fuzz
