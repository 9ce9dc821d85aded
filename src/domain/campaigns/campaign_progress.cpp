#include "domain/campaigns/campaign_progress.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json_fields.hpp"
#include "domain/calls/schedule_plan.hpp"

namespace sb::campaigns {
namespace json = boost::json;

namespace {

// An id for the contact at `position`: a UUID (version 8, name-based) from a digest of the
// campaign's id and the position.
std::string contact_id(std::string_view campaign_id, std::size_t position) {
  std::string hex = sha256_hex(std::string(campaign_id) + "/contact/" + std::to_string(position));
  hex[12] = '8';
  hex[16] = "89ab"[hex[16] % 4];
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20, 12);
}

void add_contacts(const json::value* customers, std::string_view campaign_id,
                  std::string_view number_id, std::vector<Contact>& out) {
  if (!customers || !customers->is_array()) return;
  for (const auto& c : customers->get_array()) {
    if (!c.is_object()) continue;
    out.push_back({contact_id(campaign_id, out.size()), c.get_object(), std::string(number_id)});
  }
}

// A call's statuses in the order they come; an observation never moves one back.
int rank(std::string_view status) {
  if (status == "scheduled") return 0;
  if (status == "queued") return 1;
  if (status == "ringing") return 2;
  if (status == "in-progress" || status == "forwarding") return 3;
  if (status == "ended") return 4;
  return -1;
}

json::object* calls_of(json::object& campaign) {
  auto& calls = campaign["calls"];
  if (!calls.is_object()) calls = json::object{};
  return &calls.get_object();
}

}  // namespace

bool active(const json::object& campaign) {
  const auto status = string_at(campaign, "status");
  return status == "scheduled" || status == "in-progress";
}

std::int64_t in_flight(const json::object& campaign) {
  std::int64_t n = 0;
  if (const auto* calls = object_at(campaign, "calls"))
    for (const auto& [id, entry] : *calls)
      if (entry.is_object()) {
        const auto r = rank(string_at(entry.get_object(), "callStatus"));
        if (r >= 0 && r < rank("ended")) ++n;
      }
  return n;
}

std::int64_t max_concurrency(const json::object& campaign) {
  return std::max<std::int64_t>(1, int_at(campaign, "maxConcurrency", kDefaultMaxConcurrency));
}

std::int64_t room(const json::object& campaign, std::int64_t org_room) {
  return std::max<std::int64_t>(
      0, std::min(max_concurrency(campaign) - in_flight(campaign), org_room));
}

Window window_at(const json::object& campaign, std::int64_t now_ms) {
  const auto plan = calls::schedule_plan_of(campaign);
  if (!plan) return Window::kOpen;  // no plan: at once, for as long as it takes
  if (plan->expired_at(now_ms)) return Window::kClosed;
  return plan->open_at(now_ms) ? Window::kOpen : Window::kNotYet;
}

std::optional<std::int64_t> next_change(const json::object& campaign, std::int64_t now_ms) {
  const auto plan = calls::schedule_plan_of(campaign);
  if (!plan) return std::nullopt;
  if (now_ms < plan->earliest_ms) return plan->earliest_ms;
  if (plan->latest_ms && now_ms <= *plan->latest_ms) return *plan->latest_ms + 1;
  return std::nullopt;
}

std::vector<Contact> contacts(const json::object& campaign) {
  std::vector<Contact> out;
  const auto id = string_at(campaign, "id");
  add_contacts(campaign.if_contains("customers"), id, string_at(campaign, "phoneNumberId"), out);
  if (const auto* plan = campaign.if_contains("dialPlan"); plan && plan->is_array())
    for (const auto& entry : plan->get_array())
      if (entry.is_object())
        add_contacts(entry.get_object().if_contains("customers"), id,
                     string_at(entry.get_object(), "phoneNumberId"), out);
  return out;
}

std::vector<Contact> pending(const json::object& campaign, std::int64_t limit,
                             const std::set<std::string, std::less<>>& except) {
  std::vector<Contact> out;
  if (limit <= 0) return out;
  const auto called = states(campaign);
  for (auto& contact : contacts(campaign)) {
    if (called.contains(contact.id) || except.contains(contact.id)) continue;
    out.push_back(std::move(contact));
    if (static_cast<std::int64_t>(out.size()) == limit) break;
  }
  return out;
}

void claim(json::object& campaign, const Contact& contact, std::string_view call_id,
           std::int64_t now_ms) {
  (*calls_of(campaign))[call_id] = json::object{{"contactId", contact.id},
                                                {"status", "contact.dispatched"},
                                                {"callStatus", "scheduled"},
                                                {"dispatchedAt", format_iso8601(now_ms)}};
  campaign["status"] = "in-progress";
  count(campaign);
}

bool predial_enabled(const json::object& campaign) {
  const auto* plan = object_at(campaign, "predialPlan");
  return plan && bool_at(*plan, "enabled", true) && object_at(campaign, "server");
}

json::object predial_message(const json::object& campaign, const Contact& contact) {
  json::object shown{{"id", contact.id},
                     {"campaignId", string_at(campaign, "id")},
                     {"orgId", string_at(campaign, "orgId")},
                     {"number", string_at(contact.customer, "number")}};
  for (const auto* key : {"name", "assistantOverrides", "squadOverrides"})
    if (const auto* v = contact.customer.if_contains(key)) shown[key] = *v;
  shown["createdAt"] = string_at(campaign, "createdAt");
  return {{"type", "campaign.predial"},
          {"campaignId", string_at(campaign, "id")},
          {"contact", std::move(shown)},
          {"customer", contact.customer}};
}

Predial predial_verdict(bool ok, const json::value& body) {
  if (!ok || !body.is_object()) return Predial::kFailed;
  const auto* eligible = body.get_object().if_contains("eligible");
  if (!eligible || !eligible->is_bool()) return Predial::kFailed;
  return eligible->get_bool() ? Predial::kDial : Predial::kSkip;
}

void record_predial(json::object& campaign, const Contact& contact, Predial verdict,
                    std::string_view reason) {
  json::object entry{
      {"contactId", contact.id},
      {"status", verdict == Predial::kSkip ? "contact.skipped" : "contact.predial-failed"}};
  if (!reason.empty()) entry["endedReason"] = reason;
  (*calls_of(campaign))["predial:" + contact.id] = std::move(entry);
}

bool observe(json::object& campaign, const json::object& call) {
  auto* calls = calls_of(campaign);
  auto* slot = calls->if_contains(string_at(call, "id"));
  if (!slot || !slot->is_object()) return false;
  auto& entry = slot->get_object();
  const auto status = string_at(call, "status");
  const auto seen = string_at(entry, "callStatus");
  if (rank(status) <= rank(seen)) return false;
  entry["callStatus"] = status;
  if (rank(status) >= rank("queued") && rank(status) < rank("ended")) entry["placed"] = true;
  if (rank(status) == rank("in-progress")) entry["connected"] = true;
  if (status == "ended") {
    // Placed even if its earlier statuses were not seen (ended while this server was down).
    if (call.contains("phoneCallProviderId")) entry["placed"] = true;
    const auto reason = string_at(call, "endedReason");
    if (!reason.empty()) entry["endedReason"] = reason;
    // A call someone answered completed its contact; one that never connected failed it.
    // (startedAt: answered, though this server went down before it saw in-progress.)
    const bool connected = entry.contains("connected") || !string_at(call, "startedAt").empty();
    if (connected) entry["connected"] = true;
    entry["status"] = connected ? "contact.completed" : "contact.failed";
  }
  count(campaign);
  return true;
}

bool finish_if_done(json::object& campaign, std::int64_t now_ms) {
  if (!active(campaign) || in_flight(campaign) > 0) return false;
  const auto window = window_at(campaign, now_ms);
  if (window == Window::kNotYet) return false;  // even with no contacts: it has not started
  if (window == Window::kOpen && !pending(campaign, 1).empty()) return false;
  campaign["status"] = "ended";
  campaign["endedReason"] = kEndedSuccess;
  return true;
}

std::vector<std::string> waiting_calls(const json::object& campaign) {
  std::vector<std::string> out;
  if (const auto* calls = object_at(campaign, "calls"))
    for (const auto& [id, entry] : *calls)
      if (entry.is_object() && string_at(entry.get_object(), "callStatus") == "scheduled")
        out.emplace_back(id);
  return out;
}

void count(json::object& campaign) {
  std::int64_t scheduled = 0, queued = 0, in_progress = 0, ended = 0, voicemail = 0;
  if (const auto* calls = object_at(campaign, "calls"))
    for (const auto& [id, value] : *calls) {
      if (!value.is_object()) continue;
      const auto& entry = value.get_object();
      switch (rank(string_at(entry, "callStatus"))) {
        case 0:
          ++scheduled;
          break;
        case 1:
        case 2:
          ++queued;
          break;
        case 3:
          ++in_progress;
          break;
        case 4:
          ++ended;
          if (string_at(entry, "endedReason") == "voicemail") ++voicemail;
          break;
        default:
          break;
      }
    }
  campaign["callsCounterScheduled"] = scheduled;
  campaign["callsCounterQueued"] = queued;
  campaign["callsCounterInProgress"] = in_progress;
  campaign["callsCounterEndedVoicemail"] = voicemail;
  campaign["callsCounterEnded"] = ended;
}

std::map<std::string, ContactState, std::less<>> states(const json::object& campaign) {
  std::map<std::string, ContactState, std::less<>> out;
  if (const auto* calls = object_at(campaign, "calls"))
    for (const auto& [id, value] : *calls) {
      if (!value.is_object()) continue;
      const auto& entry = value.get_object();
      out[std::string(string_at(entry, "contactId"))] =
          ContactState{std::string(string_at(entry, "status")), std::string(id), &entry};
    }
  return out;
}

std::string_view uncalled_status(const json::object& campaign) {
  return active(campaign) ? "contact.pending" : "contact.skipped";
}

}  // namespace sb::campaigns
