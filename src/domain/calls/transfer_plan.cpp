#include "domain/calls/transfer_plan.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/json_fields.hpp"

namespace sb::calls {
namespace json = boost::json;

namespace {

constexpr std::array<std::pair<std::string_view, TransferMode>, 8> kModes{{
    {"blind-transfer", TransferMode::kBlind},
    {"blind-transfer-add-summary-to-sip-header", TransferMode::kBlindWithSummaryHeader},
    {"warm-transfer-say-message", TransferMode::kWarmSayMessage},
    {"warm-transfer-say-summary", TransferMode::kWarmSaySummary},
    {"warm-transfer-twiml", TransferMode::kWarmTwiml},
    {"warm-transfer-wait-for-operator-to-speak-first-and-then-say-message",
     TransferMode::kWarmWaitThenMessage},
    {"warm-transfer-wait-for-operator-to-speak-first-and-then-say-summary",
     TransferMode::kWarmWaitThenSummary},
    {"warm-transfer-experimental", TransferMode::kWarmExperimental},
}};

std::string message_text(const json::value* message) {
  if (!message) return {};
  if (message->is_string()) return std::string(message->get_string());
  if (message->is_object()) return std::string(string_at(message->get_object(), "content"));
  return {};
}

// Replaces {{name}} (and {{ name }}) by `value`.
void fill(std::string& text, std::string_view name, std::string_view value) {
  for (const auto& tag : {"{{" + std::string(name) + "}}", "{{ " + std::string(name) + " }}"}) {
    for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag, at + value.size()))
      text.replace(at, tag.size(), value);
  }
}

}  // namespace

TransferPlan TransferPlan::of(const json::object& destination) {
  TransferPlan plan;
  const auto* p = object_at(destination, "transferPlan");
  if (!p) return plan;
  const auto mode = string_at(*p, "mode");
  for (const auto& [name, value] : kModes)
    if (name == mode) plan.mode = value;
  plan.message = message_text(p->if_contains("message"));
  if (const auto* t = p->if_contains("timeout"); t && t->is_number())
    plan.operator_timeout =
        std::chrono::seconds(std::clamp<std::int64_t>(t->to_number<std::int64_t>(), 1, 600));
  plan.twiml = string_at(*p, "twiml");
  if (const auto* s = object_at(*p, "summaryPlan")) plan.summary_plan = *s;
  if (const auto verb = string_at(*p, "sipVerb"); !verb.empty()) plan.sip_verb = verb;
  plan.sip_headers_in_refer_to = bool_at(*p, "sipHeadersInReferToEnabled");
  if (const auto* t = p->if_contains("dialTimeout"); t && t->is_number())
    plan.dial_timeout =
        std::chrono::seconds(std::clamp<std::int64_t>(t->to_number<std::int64_t>(), 1, 600));
  return plan;
}

bool TransferPlan::warm() const {
  return mode != TransferMode::kBlind && mode != TransferMode::kBlindWithSummaryHeader;
}

bool TransferPlan::needs_summary() const {
  return mode == TransferMode::kBlindWithSummaryHeader || mode == TransferMode::kWarmSaySummary ||
         mode == TransferMode::kWarmWaitThenSummary;
}

bool TransferPlan::waits_for_operator() const {
  return mode == TransferMode::kWarmWaitThenMessage || mode == TransferMode::kWarmWaitThenSummary;
}

bool TransferPlan::speaks_message() const {
  return mode == TransferMode::kWarmSayMessage || mode == TransferMode::kWarmWaitThenMessage;
}

std::string_view TransferPlan::mode_name() const {
  for (const auto& [name, value] : kModes)
    if (value == mode) return name;
  return "blind-transfer";
}

std::chrono::milliseconds summary_timeout(const json::object& summary_plan) {
  double seconds = 5;
  if (const auto* t = summary_plan.if_contains("timeoutSeconds"); t && t->is_number())
    seconds = std::clamp(t->to_number<double>(), 1.0, 60.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

json::array summary_messages(const json::object& summary_plan, std::string_view transcript,
                             std::string_view system_prompt, std::string_view ended_reason) {
  json::array messages;
  if (const auto* given = array_at(summary_plan, "messages"); given && !given->empty()) {
    messages = *given;
  } else {
    messages.push_back(json::object{
        {"role", "system"},
        {"content",
         "You take notes on phone calls. Summarize the call in the transcript you are given in "
         "two or three sentences, for the person the caller is being transferred to. Answer "
         "with the summary only."}});
    messages.push_back(
        json::object{{"role", "user"}, {"content", "The transcript:\n\n{{transcript}}\n"}});
  }
  for (auto& m : messages) {
    if (!m.is_object()) continue;
    auto* content = m.get_object().if_contains("content");
    if (!content || !content->is_string()) continue;
    std::string text(content->get_string());
    fill(text, "transcript", transcript);
    fill(text, "systemPrompt", system_prompt);
    fill(text, "endedReason", ended_reason);
    *content = text;
  }
  return messages;
}

std::optional<std::string> transfer_plan_refusal(const TransferPlan& plan, std::string_view carrier,
                                                 bool carrier_warm) {
  if (plan.mode == TransferMode::kWarmExperimental)
    return std::string(
        "transferPlan.mode warm-transfer-experimental (an assistant talking with "
        "the destination) is not supported on this server");
  if (plan.warm() && !carrier_warm)
    return "transferPlan.mode " + std::string(plan.mode_name()) +
           " works on Twilio calls only (this call is a " + std::string(carrier) + " call)";
  if (plan.mode == TransferMode::kWarmTwiml && plan.twiml.empty())
    return std::string("transferPlan.mode warm-transfer-twiml needs transferPlan.twiml");
  if (plan.speaks_message() && plan.message.empty())
    return "transferPlan.mode " + std::string(plan.mode_name()) + " needs transferPlan.message";
  return std::nullopt;
}

}  // namespace sb::calls
