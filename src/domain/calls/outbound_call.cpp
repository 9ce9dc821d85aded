#include "domain/calls/outbound_call.hpp"

#include <algorithm>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "domain/calls/websocket_call.hpp"

namespace sb::calls {
namespace json = boost::json;

namespace {

// What a new call copies from its request as it is.
constexpr std::string_view kCopied[] = {"assistantId",   "assistant", "assistantOverrides",
                                        "squadId",       "squad",     "squadOverrides",
                                        "customer",      "name",      "metadata",
                                        "phoneNumberId", "campaignId"};

[[noreturn]] void refuse(std::string message) {
  throw ApiError(ErrorCode::kBadRequest, std::move(message));
}

// A number to dial, or a SIP URI (whether the number's carrier dials one is its to say).
bool has_destination(const json::value& customer) {
  return customer.is_object() && (!string_at(customer.as_object(), "number").empty() ||
                                  !string_at(customer.as_object(), "sipUri").empty());
}

}  // namespace

bool wants_phone_call(const json::object& body) {
  return body.contains("phoneNumberId") || body.contains("phoneNumber") ||
         body.contains("customers");
}

std::string transient_provider(const json::object& body) {
  const auto* number = object_at(body, "phoneNumber");
  if (!number) return {};
  const auto provider = string_at(*number, "provider");
  return provider.empty() ? "twilio" : std::string(provider);
}

std::string transient_number(const json::object& body) {
  const auto* number = object_at(body, "phoneNumber");
  if (!number) return {};
  auto e164 = string_at(*number, "twilioPhoneNumber");
  if (e164.empty()) e164 = string_at(*number, "number");
  return std::string(e164);
}

void check_outbound_call(const json::object& body) {
  if (wants_websocket_transport(body))
    refuse(
        "phoneNumberId, phoneNumber and customers cannot be used with the vapi.websocket "
        "transport");
  const bool by_id = body.contains("phoneNumberId");
  const bool transient = body.contains("phoneNumber");
  if (by_id && transient) refuse("Use either `phoneNumberId` or `phoneNumber`, not both.");
  if (!by_id && !transient)
    refuse("Need Either `phoneNumberId` Or `phoneNumber`: the number the call goes out on.");
  if (transient) {
    if (transient_number(body).empty())
      refuse("phoneNumber.twilioPhoneNumber is needed: the number the call goes out from");
  }
  const auto* customers = body.if_contains("customers");
  if (customers && body.contains("customer"))
    refuse("Use either `customer` or `customers`, not both.");
  if (customers) {
    if (!customers->is_array() || customers->as_array().empty())
      refuse("customers must list at least one customer");
  } else {
    const auto* customer = body.if_contains("customer");
    if (!customer || !has_destination(*customer))
      refuse(
          "customer.number is needed: the number an outbound phone call dials (or "
          "customer.sipUri, from a SIP number)");
  }
  const bool has_agent = body.contains("assistantId") || body.contains("assistant") ||
                         body.contains("squadId") || body.contains("squad");
  if (!has_agent) refuse("Need Either `assistantId`, `assistant`, `squadId`, Or `squad`.");
}

std::vector<json::object> requests_per_customer(const json::object& body) {
  const auto* customers = body.if_contains("customers");
  if (!customers || !customers->is_array()) return {body};
  std::vector<json::object> out;
  for (const auto& customer : customers->as_array()) {
    auto single = body;
    single.erase("customers");
    single["customer"] = customer;
    out.push_back(std::move(single));
  }
  return out;
}

json::object new_outbound_call(std::string_view id, std::string_view org_id,
                               const json::object& body, std::string_view provider,
                               std::int64_t now_ms) {
  const std::string now = format_iso8601(now_ms);
  json::object call{{"id", id},
                    {"orgId", org_id},
                    {"type", "outboundPhoneCall"},
                    {"status", "queued"},
                    {"phoneCallProvider", provider},
                    {"phoneCallTransport", "pstn"},
                    {"createdAt", now},
                    {"updatedAt", now}};
  for (const auto field : kCopied)
    if (const auto* v = body.if_contains(field)) call[field] = *v;
  // A transient number is the call's own; its secrets never are.
  if (const auto* number = object_at(body, "phoneNumber")) {
    json::object shown{{"provider", provider}, {"number", transient_number(body)}};
    for (const char* field : {"name", "twilioAccountSid"})
      if (const auto* v = number->if_contains(field)) shown[field] = *v;
    call["phoneNumber"] = std::move(shown);
  }
  return call;
}

std::string ended_reason_for_outbound_status(std::string_view status,
                                             std::string_view not_connected) {
  if (status == "completed") return "customer-ended-call";
  if (status == "busy") return "customer-busy";
  if (status == "no-answer") return "customer-did-not-answer";
  if (status == "failed" || status == "canceled") return std::string(not_connected);
  return {};
}

std::optional<int> requested_dial_timeout(const json::object& body) {
  const auto* transport = object_at(body, "transport");
  if (!transport || string_at(*transport, "provider") != "vapi.sip") return std::nullopt;
  const auto* timeout = transport->if_contains("dialTimeout");
  if (!timeout || !timeout->is_number()) return std::nullopt;
  const auto seconds = timeout->to_number<double>();
  return static_cast<int>(std::clamp(seconds, 1.0, 600.0));
}

json::object batch_response(json::array results, json::array errors) {
  return {{"results", std::move(results)}, {"errors", std::move(errors)}};
}

}  // namespace sb::calls
