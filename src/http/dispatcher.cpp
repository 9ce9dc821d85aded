#include "http/dispatcher.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "http/error_response.hpp"
#include "http/json_body.hpp"

namespace sb::http {

std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return {};
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

namespace {

// Why a request carries no token: no header at all, a key sent without the scheme, or the
// scheme with nothing after it.
std::string missing_token_message(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  if (header.empty())
    return "Missing Authorization header. Send `Authorization: Bearer <private API key>`.";
  constexpr std::string_view kScheme = "bearer";
  std::string lowered;
  for (char c : header.substr(0, kScheme.size()))
    lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered == kScheme && header.find_first_not_of(' ', kScheme.size()) == std::string_view::npos)
    return "The Authorization header has no API key after `Bearer`. Send `Authorization: Bearer "
           "<private API key>`.";
  return "The Authorization header is missing the `Bearer ` prefix. Send `Authorization: Bearer "
         "<private API key>`.";
}

Response unauthorized(std::string message) {
  return error_response(ApiError(ErrorCode::kUnauthorized, std::move(message)));
}

void check_path_and_query(const contract::Contract& contract, const contract::Operation& op,
                          const Context& ctx) {
  auto messages = contract.validate_path(op, ctx.request.path_params);
  auto query = contract.validate_query(op, ctx.request.query);
  messages.insert(messages.end(), std::make_move_iterator(query.begin()),
                  std::make_move_iterator(query.end()));
  if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
}

bool takes_json_body(const Route& route) {
  const auto* op = route.operation;
  return op && op->request_body && op->request_content_type == "application/json";
}

// "2", "0.5": the configured rate as an operator wrote it.
std::string rate_text(double per_second) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", per_second);
  return text;
}

std::string retry_text(std::chrono::nanoseconds wait) {
  const long seconds = RateLimiter::retry_after_seconds(wait);
  return "Retry after " + std::to_string(seconds) + (seconds == 1 ? " second." : " seconds.");
}

}  // namespace

Response too_many_requests(std::string message, std::chrono::nanoseconds retry_after) {
  Response r = error_response(ApiError(ErrorCode::kTooManyRequests, std::move(message)));
  r.headers.emplace_back("Retry-After",
                         std::to_string(RateLimiter::retry_after_seconds(retry_after)));
  return r;
}

Dispatcher::Dispatcher(Router router, Authenticator& auth,
                       std::shared_ptr<const contract::Contract> contract,
                       DispatcherOptions options)
    : router_(std::move(router)),
      auth_(auth),
      contract_(std::move(contract)),
      options_(options),
      org_limiter_(options.org_rate) {}

std::size_t Dispatcher::limit_of(const Route& route) const {
  if (route.body_limit) return route.body_limit;
  if (takes_json_body(route)) return std::min(options_.json_body_limit, options_.body_limit);
  return options_.body_limit;
}

std::size_t Dispatcher::body_limit(Method method, std::string_view path) const {
  const auto match = router_.match(method, path);
  return match.route ? limit_of(*match.route) : options_.body_limit;
}

std::vector<std::string> Dispatcher::forwarded_headers() const {
  std::vector<std::string> names;
  for (const auto* route : router_.routes())
    for (const auto& name : route->headers)
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  return names;
}

std::string Dispatcher::loggable_path(Method method, std::string_view path) const {
  const auto match = router_.match(method, path);
  if (!match.route || match.route->secret_params.empty()) return std::string(path);
  // Rebuilt from the template, so nothing of the secret segment can survive.
  const std::string& tmpl = match.route->path;
  const auto& secrets = match.route->secret_params;
  std::string out;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const auto open = tmpl.find('{', i);
    if (open == std::string::npos) {
      out.append(tmpl, i);
      break;
    }
    const auto close = tmpl.find('}', open);
    out.append(tmpl, i, open - i);
    const std::string name = tmpl.substr(open + 1, close - open - 1);
    if (std::find(secrets.begin(), secrets.end(), name) != secrets.end()) {
      out += "<redacted>";
    } else {
      for (const auto& [key, value] : match.params)
        if (key == name) out += value;
    }
    i = close + 1;
  }
  return out;
}

void Dispatcher::dispatch(Request&& request, Reply reply) const {
  auto match = router_.match(request.method, request.path);
  if (!match.route) {
    std::string message = "Cannot ";
    message += method_name(request.method);
    message += ' ';
    message += request.path;
    reply(error_response(ApiError::not_found(std::move(message))));
    return;
  }
  const Route& route = *match.route;
  Context ctx;
  ctx.request = std::move(request);
  ctx.request.path_params = std::move(match.params);
  // Another route's headers are not this handler's to read.
  std::erase_if(ctx.request.headers, [&route](const auto& header) {
    return std::find(route.headers.begin(), route.headers.end(), header.first) ==
           route.headers.end();
  });
  if (!route.authenticated) {
    run_route(route, std::move(ctx), std::move(reply));
    return;
  }
  std::string token(bearer_token(ctx.request.authorization));
  if (token.empty()) {
    reply(unauthorized(missing_token_message(ctx.request.authorization)));
    return;
  }
  const std::string remote = ctx.request.remote_address;
  auth_.authenticate(
      std::move(token), remote,
      [this, &route, ctx = std::move(ctx), reply = std::move(reply)](AuthResult auth) mutable {
        switch (auth.status) {
          case AuthResult::Status::kOk:
            ctx.org_id = std::move(auth.org_id);
            authorized(route, std::move(ctx), std::move(reply));
            return;
          case AuthResult::Status::kThrottled:
            reply(too_many_requests("Too many requests with unknown API keys from this address. " +
                                        retry_text(auth.retry_after),
                                    auth.retry_after));
            return;
          case AuthResult::Status::kInvalid:
            break;
        }
        reply(unauthorized("Invalid API key. Use a private key of your org as the Bearer token."));
      });
}

// The org's rate limit applies to authenticated requests only: a request without a valid key
// costs no more than its 401 (unknown keys are throttled by the Authenticator, per address).
void Dispatcher::authorized(const Route& route, Context&& ctx, Reply reply) const {
  if (org_limiter_.enabled()) {
    const auto decision = org_limiter_.acquire(ctx.org_id);
    if (!decision.allowed) {
      const auto& rate = org_limiter_.options();
      reply(too_many_requests("Rate limit exceeded: this org may make " +
                                  rate_text(rate.per_second) + " requests per second. " +
                                  retry_text(decision.retry_after),
                              decision.retry_after));
      return;
    }
  }
  run_route(route, std::move(ctx), std::move(reply));
}

void Dispatcher::run_route(const Route& route, Context&& ctx, Reply reply) const {
  try {
    if (const auto* op = route.operation) {
      check_path_and_query(*contract_, *op, ctx);
      if (takes_json_body(route)) {
        ctx.body = parse_json_body(ctx.request);
        if (route.body_check == BodyCheck::kContract) {
          auto messages = contract_->validate(*op->request_body, ctx.body);
          if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
        }
      }
    }
    const std::string request_id = ctx.request.request_id;
    try {
      route.handler(std::move(ctx), reply);
    } catch (...) {
      reply(error_response(std::current_exception(), request_id));
    }
  } catch (...) {
    reply(error_response(std::current_exception(), ctx.request.request_id));
  }
}

}  // namespace sb::http
