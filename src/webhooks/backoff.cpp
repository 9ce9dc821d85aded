#include "webhooks/backoff.hpp"
#include "core/json_text.hpp"

#include <algorithm>
#include <cmath>

namespace sb::webhooks {
namespace {

namespace json = boost::json;

double number_or(const json::object& o, std::string_view key, double fallback) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return fallback;
}

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json_text(v);
}

BackoffPlan parse_backoff(const json::object& o) {
  BackoffPlan plan;
  if (const auto* t = o.if_contains("type");
      t && t->is_string() && t->get_string() == "exponential")
    plan.type = BackoffPlan::Type::kExponential;
  plan.max_retries = static_cast<int>(std::clamp(number_or(o, "maxRetries", 0), 0.0, 10.0));
  plan.base_delay_seconds = std::clamp(number_or(o, "baseDelaySeconds", 0), 0.0, 10.0);
  if (const auto* codes = o.if_contains("excludedStatusCodes"); codes && codes->is_array())
    for (const auto& c : codes->get_array()) {
      if (c.is_int64()) plan.excluded_status_codes.push_back(static_cast<int>(c.get_int64()));
      if (c.is_uint64()) plan.excluded_status_codes.push_back(static_cast<int>(c.get_uint64()));
      if (c.is_double()) plan.excluded_status_codes.push_back(static_cast<int>(c.get_double()));
      if (c.is_string()) {
        // Items are typed `object` in the document; a numeric string is taken as meant.
        try {
          plan.excluded_status_codes.push_back(std::stoi(std::string(c.get_string())));
        } catch (...) {
        }
      }
    }
  return plan;
}

}  // namespace

ServerPlan parse_server(const json::object& server) {
  ServerPlan plan;
  if (const auto* url = server.if_contains("url"); url && url->is_string())
    plan.url = std::string(url->get_string());
  if (const auto* headers = server.if_contains("headers"); headers && headers->is_object())
    for (const auto& [name, value] : headers->get_object())
      if (!value.is_null()) plan.headers.emplace_back(std::string(name), text_of(value));
  const double seconds = std::clamp(number_or(server, "timeoutSeconds", 20), 1.0, 300.0);
  plan.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  if (const auto* b = server.if_contains("backoffPlan"); b && b->is_object())
    plan.backoff = parse_backoff(b->get_object());
  if (const auto* c = server.if_contains("credentialId"); c && c->is_string())
    plan.credential_id = std::string(c->get_string());
  return plan;
}

std::chrono::milliseconds retry_delay(const BackoffPlan& plan, int retry) {
  double seconds = plan.base_delay_seconds;
  if (plan.type == BackoffPlan::Type::kExponential)
    seconds *= std::pow(2.0, std::max(0, retry - 1));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

Decision decide(const BackoffPlan& plan, int attempts_made, int status) {
  if (is_success(status)) return {Decision::Verdict::kDelivered, {}};
  const auto& excluded = plan.excluded_status_codes;
  const bool excluded_status =
      status != 0 && std::find(excluded.begin(), excluded.end(), status) != excluded.end();
  if (excluded_status || attempts_made > plan.max_retries) return {Decision::Verdict::kDead, {}};
  return {Decision::Verdict::kRetry, retry_delay(plan, attempts_made)};
}

}  // namespace sb::webhooks
