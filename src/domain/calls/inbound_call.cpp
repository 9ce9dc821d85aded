#include "domain/calls/inbound_call.hpp"

#include "core/clock.hpp"
#include "core/json_fields.hpp"

namespace sb::calls {
namespace {

namespace json = boost::json;

constexpr const char* kChoiceFields[] = {"assistantId", "assistant",          "squadId",
                                         "squad",       "assistantOverrides", "squadOverrides"};

void touch(json::object& call, std::int64_t now_ms) {
  call["updatedAt"] = format_iso8601(now_ms);
}

json::object customer_of(const json::object& call) {
  if (const auto* c = call.if_contains("customer"); c && c->is_object()) return c->as_object();
  return {};
}

// What every message about a call carries besides its own fields.
json::object call_message(std::string_view type, const json::object& call,
                          const json::object& phone_number, std::int64_t now_ms) {
  return {{"type", type},
          {"timestamp", now_ms},
          {"call", call},
          {"customer", customer_of(call)},
          {"phoneNumber", phone_number}};
}

}  // namespace

json::object new_inbound_call(std::string_view id, std::string_view org_id,
                              const json::object& phone_number, const InboundCallInfo& info,
                              std::int64_t now_ms) {
  const std::string now = format_iso8601(now_ms);
  json::object customer;
  if (!info.caller.empty()) customer["number"] = info.caller;
  if (!info.caller_sip_uri.empty()) customer["sipUri"] = info.caller_sip_uri;
  return {{"id", id},
          {"orgId", org_id},
          {"type", "inboundPhoneCall"},
          {"status", "ringing"},
          {"phoneNumberId", string_at(phone_number, "id")},
          {"phoneCallProvider", info.provider},
          {"phoneCallProviderId", info.provider_call_id},
          {"phoneCallTransport", info.transport},
          {"customer", std::move(customer)},
          {"createdAt", now},
          {"updatedAt", now}};
}

void start_with_assistant(json::object& call, const json::object& choice, std::int64_t now_ms) {
  for (const char* field : kChoiceFields)
    if (const auto* v = choice.if_contains(field)) call[field] = *v;
  call["status"] = "in-progress";
  call["startedAt"] = format_iso8601(now_ms);
  touch(call, now_ms);
}

bool end_call(json::object& call, std::string_view ended_reason, std::int64_t now_ms) {
  if (string_at(call, "status") == "ended") return false;
  call["status"] = "ended";
  call["endedReason"] = ended_reason;
  call["endedAt"] = format_iso8601(now_ms);
  touch(call, now_ms);
  return true;
}

std::string ended_reason_for_provider_status(std::string_view status) {
  if (status == "completed" || status == "canceled" || status == "cancelled")
    return "customer-ended-call";
  if (status == "busy") return "customer-busy";
  if (status == "no-answer" || status == "unanswered" || status == "timeout")
    return "customer-did-not-answer";
  if (status == "failed" || status == "rejected") return "twilio-failed-to-connect-call";
  return {};
}

json::object status_update_message(const json::object& call, const json::object& phone_number,
                                   std::int64_t now_ms) {
  auto message = call_message("status-update", call, phone_number, now_ms);
  message["status"] = string_at(call, "status");
  if (const auto* reason = call.if_contains("endedReason")) message["endedReason"] = *reason;
  return message;
}

json::object end_of_call_report(const json::object& call, const json::object& phone_number,
                                std::int64_t now_ms) {
  auto message = call_message("end-of-call-report", call, phone_number, now_ms);
  message["endedReason"] = string_at(call, "endedReason");
  // What the call's media produced, or nothing when no media ran.
  const auto* artifact = call.if_contains("artifact");
  message["artifact"] =
      artifact && artifact->is_object()
          ? *artifact
          : json::value(json::object{{"messages", json::array{}}, {"transcript", ""}});
  message["analysis"] = json::object{};
  for (const char* field : {"startedAt", "endedAt", "cost", "costs"})
    if (const auto* v = call.if_contains(field)) message[field] = *v;
  return message;
}

}  // namespace sb::calls
