#include "http/dispatcher.hpp"

#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/text.hpp"
#include "http/error_response.hpp"

namespace sb::http {
namespace {

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

// "application/json" or any "+json" type, parameters ignored; an absent type is read as JSON.
bool is_json_media_type(std::string_view content_type) {
  std::string type = ascii_lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type.empty() || type == "application/json" || type.ends_with("+json");
}

boost::json::value parse_body(const Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return boost::json::object();  // an empty body is an empty DTO, as Express reads it
  // Express would silently ignore a body of another type and report every field missing;
  // say what is actually wrong instead.
  if (!is_json_media_type(request.content_type))
    throw ApiError(ErrorCode::kUnsupportedMediaType,
                   "Content-Type must be application/json, not " + request.content_type);
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 256;
  boost::json::value v = boost::json::parse(request.body, ec, {}, options);
  if (ec) throw ApiError::bad_request("Request body is not valid JSON: " + ec.message());
  if (!v.is_object()) throw ApiError::bad_request("Request body must be a JSON object");
  return v;
}

}  // namespace

Dispatcher::Dispatcher(Router router, Authenticator& auth,
                       std::shared_ptr<const contract::Contract> contract)
    : router_(std::move(router)), auth_(auth), contract_(std::move(contract)) {}

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
  if (!route.authenticated) {
    run_route(route, std::move(ctx), std::move(reply));
    return;
  }
  const std::string token(bearer_token(ctx.request.authorization));
  if (token.empty()) {
    reply(unauthorized(
        "Missing Authorization header. Send `Authorization: Bearer <private API key>`."));
    return;
  }
  auth_.authenticate(token, [this, &route, ctx = std::move(ctx),
                             reply = std::move(reply)](std::optional<std::string> org) mutable {
    if (!org) {
      reply(unauthorized("Invalid API key. Use a private key of your org as the Bearer token."));
      return;
    }
    ctx.org_id = std::move(*org);
    run_route(route, std::move(ctx), std::move(reply));
  });
}

void Dispatcher::run_route(const Route& route, Context&& ctx, Reply reply) const {
  try {
    if (const auto* op = route.operation) {
      check_path_and_query(*contract_, *op, ctx);
      if (op->request_body && op->request_content_type == "application/json") {
        ctx.body = parse_body(ctx.request);
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
