#include "webhooks/server_auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/clock.hpp"
#include "core/codec.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "net/http_client.hpp"

namespace sb::webhooks {

namespace json = boost::json;

namespace {

// A token whose endpoint gives no `expires_in` is used this long (RFC 6749 leaves the lifetime
// to the server's documentation; a minute bounds how long a silently expired one is sent).
constexpr auto kDefaultTokenLifetime = std::chrono::seconds(60);
// A token is refreshed this much before it expires (or a tenth of its lifetime, if shorter), so
// one fetched near expiry is not rejected on arrival.
constexpr auto kRefreshMargin = std::chrono::seconds(60);
constexpr std::size_t kMaxTokenResponse = 64 * 1024;

bool has_header(const http::Fields& headers, std::string_view name) {
  const std::string lower = ascii_lower(name);
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& field) { return ascii_lower(field.first) == lower; });
}

std::string_view header_value(const http::Fields& headers, std::string_view name) {
  const std::string lower = ascii_lower(name);
  for (const auto& [n, v] : headers)
    if (ascii_lower(n) == lower) return v;
  return {};
}

// Replaces every header of that name (any case) with one.
void set_header(http::Fields& headers, std::string_view name, std::string value) {
  const std::string lower = ascii_lower(name);
  std::erase_if(headers, [&](const auto& field) { return ascii_lower(field.first) == lower; });
  headers.emplace_back(std::string(name), std::move(value));
}

// Bearer: the token in `headerName` (default Authorization), "Bearer "-prefixed unless
// `bearerPrefixEnabled` is false. Returns the error, or "".
std::string add_bearer(const json::object& plan, http::Fields& headers) {
  const std::string_view token = string_at(plan, "token");
  if (token.empty()) return "bearer: the credential has no token";
  std::string_view name = string_at(plan, "headerName");
  if (name.empty()) name = "Authorization";
  if (has_header(headers, name)) return "";
  std::string value = bool_at(plan, "bearerPrefixEnabled", true) ? "Bearer " : "";
  value += token;
  headers.emplace_back(std::string(name), std::move(value));
  return "";
}

// `format` with {body}, {timestamp}, {method}, {url} and {svix-id} replaced in one pass (so a
// body containing "{timestamp}" stays as it is); any other {...} is kept literally.
std::string expand(std::string_view format,
                   const std::vector<std::pair<std::string_view, std::string_view>>& values) {
  std::string out;
  std::size_t i = 0;
  while (i < format.size()) {
    bool replaced = false;
    if (format[i] == '{') {
      for (const auto& [name, value] : values) {
        if (format.substr(i + 1).starts_with(name) &&
            format.substr(i + 1 + name.size()).starts_with('}')) {
          out += value;
          i += name.size() + 2;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += format[i++];
  }
  return out;
}

const EVP_MD* digest_named(std::string_view algorithm) {
  if (algorithm.empty() || algorithm == "sha256") return EVP_sha256();
  if (algorithm == "sha512") return EVP_sha512();
  if (algorithm == "sha1") return EVP_sha1();
  return nullptr;
}

std::optional<std::string> hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size))
    return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out), size);
}

// HMAC, as the plan's fields describe it (the docs give the fields and their defaults, not the
// wire details; where they are silent the choice is the common one, noted here):
// - key: `secretKey` as text, or base64-decoded when `secretIsBase64` (a Svix "whsec_" prefix
//   is dropped first, as Svix's own libraries do);
// - signed payload: `payloadFormat` (default "{timestamp}.{body}", or "{body}" when
//   `includeTimestamp` is false) with the body exactly as sent;
// - timestamp: Unix seconds (what Svix and Stripe sign), sent in `timestampHeader` (default
//   x-timestamp) whenever it is part of the payload;
// - signature: `signaturePrefix` + the MAC in `signatureEncoding` (lower-case hex by default,
//   or padded standard base64), in `signatureHeader` (default x-signature);
// - `messageIdHeader`, when set, carries the message id that {svix-id} stands for.
std::string add_hmac(const json::object& plan, std::string_view body, const SignContext& context,
                     std::int64_t unix_seconds, http::Fields& headers) {
  std::string key(string_at(plan, "secretKey"));
  if (key.empty()) return "hmac: the credential has no secretKey";
  const EVP_MD* md = digest_named(string_at(plan, "algorithm"));
  if (!md) return "hmac: unsupported algorithm " + std::string(string_at(plan, "algorithm"));
  if (bool_at(plan, "secretIsBase64", false)) {
    std::string_view encoded = key;
    if (encoded.starts_with("whsec_")) encoded.remove_prefix(6);
    auto decoded = base64_decode(encoded);
    if (!decoded || decoded->empty()) return "hmac: secretKey is not valid base64";
    key = std::move(*decoded);
  }
  const bool include_timestamp = bool_at(plan, "includeTimestamp", true);
  std::string_view format = string_at(plan, "payloadFormat");
  if (format.empty()) format = include_timestamp ? "{timestamp}.{body}" : "{body}";
  std::string message_id = context.message_id;
  if (message_id.empty()) message_id = header_value(headers, "X-Message-Id");
  if (message_id.empty()) message_id = new_uuid();
  const std::string timestamp = std::to_string(unix_seconds);
  const std::string payload = expand(format, {{"body", body},
                                              {"timestamp", timestamp},
                                              {"method", context.method},
                                              {"url", context.url},
                                              {"svix-id", message_id}});
  const auto mac = hmac(md, key, payload);
  if (!mac) return "hmac: signing failed";
  std::string signature(string_at(plan, "signaturePrefix"));
  signature +=
      string_at(plan, "signatureEncoding") == "base64" ? base64_encode(*mac) : hex_encode(*mac);
  std::string_view signature_header = string_at(plan, "signatureHeader");
  set_header(headers, signature_header.empty() ? "x-signature" : signature_header,
             std::move(signature));
  if (include_timestamp || format.find("{timestamp}") != std::string_view::npos) {
    std::string_view timestamp_header = string_at(plan, "timestampHeader");
    set_header(headers, timestamp_header.empty() ? "x-timestamp" : timestamp_header, timestamp);
  }
  if (auto id_header = string_at(plan, "messageIdHeader"); !id_header.empty())
    set_header(headers, id_header, message_id);
  return "";
}

struct TokenReply {
  std::string authorization;  // "Bearer <access_token>"
  std::chrono::seconds lifetime{0};
  std::string error;
};

// Reads a token endpoint's answer (RFC 6749 section 5.1).
TokenReply read_token_reply(const net::OutboundResponse& r) {
  TokenReply reply;
  if (!r.error.empty()) {
    reply.error = "oauth2: token request failed: " + r.error;
    return reply;
  }
  if (!r.ok()) {
    reply.error = "oauth2: token endpoint answered " + std::to_string(r.status);
    return reply;
  }
  boost::system::error_code ec;
  const json::value body = json::parse(r.body, ec);
  const json::object* o = ec ? nullptr : body.if_object();
  const std::string_view token = o ? string_at(*o, "access_token") : std::string_view();
  if (token.empty()) {
    reply.error = "oauth2: the token endpoint's answer has no access_token";
    return reply;
  }
  reply.authorization = "Bearer " + std::string(token);
  reply.lifetime = kDefaultTokenLifetime;
  if (const auto* expires = o->if_contains("expires_in")) {
    // Some servers send the number as a string.
    std::optional<double> seconds;
    if (expires->is_number()) seconds = expires->to_number<double>();
    if (expires->is_string()) {
      try {
        seconds = std::stod(std::string(expires->get_string()));
      } catch (const std::exception&) {
      }
    }
    if (seconds && *seconds >= 0 && *seconds < 1e9)
      reply.lifetime = std::chrono::seconds(static_cast<std::int64_t>(*seconds));
  }
  return reply;
}

std::optional<std::size_t> parse_index(std::string_view text) {
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return index;
}

// Sets `value` at the concrete `path` of `document`: objects are walked (missing ones
// created), numeric segments index existing arrays; a path through anything else is skipped.
void put_at(json::object& document, std::string_view path, const json::value& value) {
  json::value* at = nullptr;
  json::object* object = &document;
  for (;;) {
    const auto dot = path.find('.');
    const std::string_view segment = path.substr(0, dot);
    if (object) {
      at = &(*object)[segment];
    } else {  // `at` is an array
      auto& array = at->get_array();
      const auto index = parse_index(segment);
      if (!index || *index >= array.size()) return;
      at = &array[*index];
    }
    if (dot == std::string_view::npos) {
      *at = value;
      return;
    }
    path.remove_prefix(dot + 1);
    if (at->is_null()) at->emplace_object();
    object = at->if_object();
    if (!object && !at->is_array()) return;
  }
}

}  // namespace

// OAuth2 tokens by credential, and the requests in flight: concurrent signs of one credential
// share one token request.
struct ServerAuth::State : std::enable_shared_from_this<ServerAuth::State> {
  using Waiter = std::function<void(std::string authorization, std::string error)>;
  struct Token {
    std::string authorization;
    Clock::SteadyTime fresh_until;
  };

  State(net::HttpClient& c, const Clock& k) : client(c), clock(k) {}

  void with_token(const json::object& plan, const SignContext& context, Waiter waiter);
  void fetched(const std::string& key, const net::OutboundResponse& response);

  net::HttpClient& client;
  const Clock& clock;
  std::mutex mutex;
  std::unordered_map<std::string, Token> tokens;                 // by key, guarded by mutex
  std::unordered_map<std::string, std::vector<Waiter>> flights;  // by key, guarded by mutex
};

void ServerAuth::State::with_token(const json::object& plan, const SignContext& context,
                                   Waiter waiter) {
  const std::string_view url = string_at(plan, "url"), client_id = string_at(plan, "clientId"),
                         secret = string_at(plan, "clientSecret"), scope = string_at(plan, "scope");
  if (url.empty() || client_id.empty() || secret.empty())
    return waiter("", "oauth2: the credential needs url, clientId and clientSecret");
  // Keyed by everything the token depends on, so an updated credential gets a new one.
  std::string key = std::string(url) + '\n' + std::string(client_id) + '\n' + std::string(secret) +
                    '\n' + std::string(scope);
  {
    std::unique_lock lock(mutex);
    const auto now = clock.steady_now();
    if (auto it = tokens.find(key); it != tokens.end()) {
      if (now < it->second.fresh_until) {
        std::string authorization = it->second.authorization;
        lock.unlock();
        return waiter(std::move(authorization), "");
      }
      tokens.erase(it);
    }
    auto& waiting = flights[key];
    waiting.push_back(std::move(waiter));
    if (waiting.size() > 1) return;  // a request is already on its way
  }
  net::OutboundRequest request;
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = "grant_type=client_credentials&client_id=" + percent_encode(client_id) +
                 "&client_secret=" + percent_encode(secret);
  if (!scope.empty()) request.body += "&scope=" + percent_encode(scope);
  request.timeout = context.token_timeout;
  request.max_response_bytes = kMaxTokenResponse;
  // The state outlives the request (the callback holds it), even past ~ServerAuth.
  client.send(std::move(request),
              [self = shared_from_this(), key](net::OutboundResponse r) { self->fetched(key, r); });
}

void ServerAuth::State::fetched(const std::string& key, const net::OutboundResponse& response) {
  const TokenReply reply = read_token_reply(response);
  std::vector<Waiter> waiting;
  {
    std::lock_guard lock(mutex);
    if (reply.error.empty()) {
      const auto margin = std::min<std::chrono::seconds>(kRefreshMargin, reply.lifetime / 10);
      tokens[key] = {reply.authorization, clock.steady_now() + reply.lifetime - margin};
    }
    if (auto node = flights.extract(key)) waiting = std::move(node.mapped());
  }
  for (auto& waiter : waiting) waiter(reply.authorization, reply.error);
}

ServerAuth::ServerAuth(net::HttpClient& client, const Clock& clock)
    : state_(std::make_shared<State>(client, clock)) {}

ServerAuth::~ServerAuth() = default;

void ServerAuth::sign(const json::object& credential, std::string_view body, http::Fields headers,
                      Done done, SignContext context) {
  const auto* plan_value = credential.if_contains("authenticationPlan");
  const json::object* plan = plan_value ? plan_value->if_object() : nullptr;
  if (!plan) return done(std::move(headers), "the credential has no authenticationPlan");
  const std::string_view type = string_at(*plan, "type");
  if (type == "bearer") {
    std::string error = add_bearer(*plan, headers);
    return done(std::move(headers), std::move(error));
  }
  if (type == "hmac") {
    http::Fields signed_headers = headers;
    std::string error =
        add_hmac(*plan, body, context, state_->clock.wall_ms() / 1000, signed_headers);
    return done(error.empty() ? std::move(signed_headers) : std::move(headers), std::move(error));
  }
  if (type == "oauth2") {
    if (has_header(headers, "Authorization")) return done(std::move(headers), "");
    state_->with_token(*plan, context,
                       [headers = std::move(headers), done = std::move(done)](
                           std::string authorization, std::string error) mutable {
                         if (error.empty())
                           headers.emplace_back("Authorization", std::move(authorization));
                         done(std::move(headers), std::move(error));
                       });
    return;
  }
  done(std::move(headers), "unsupported authenticationPlan type \"" + std::string(type) + "\"");
}

json::object with_secrets(json::object document, const json::object& secrets) {
  for (const auto& [path, value] : secrets) put_at(document, path, value);
  return document;
}

}  // namespace sb::webhooks
