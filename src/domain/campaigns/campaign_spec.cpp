#include "domain/campaigns/campaign_spec.hpp"

#include <algorithm>
#include <array>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/campaigns/campaign_progress.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "storage/store.hpp"

namespace sb::campaigns {
namespace {

namespace json = boost::json;

// What a duplicate takes from its source when the body does not set it.
constexpr std::array<std::string_view, 13> kConfiguration{
    "assistantId",  "workflowId",     "squadId",        "phoneNumberId",      "dialPlan",
    "schedulePlan", "customers",      "maxConcurrency", "assistantOverrides", "squadOverrides",
    "server",       "serverMessages", "predialPlan"};

constexpr std::array<std::string_view, 6> kContactStatuses{
    "pending", "dispatched", "completed", "failed", "skipped", "predialFailed"};

void duplicate_from(storage::Session& s, std::string_view org_id, json::object& doc) {
  const auto* from = doc.if_contains("duplicateFromCampaignId");
  if (!from) return;
  if (from->is_string()) {
    // The reference rule has checked it exists, in this same transaction.
    if (auto source = s.resources().find(kCampaignKind, org_id, ascii_lower(from->get_string()))) {
      const auto src = json::parse(source->document).as_object();
      for (const auto key : kConfiguration)
        if (!doc.contains(key) && src.contains(key)) doc[key] = src.at(key);
    }
  }
  doc.erase("duplicateFromCampaignId");  // an instruction, not part of the campaign
}

// What CreateCampaignDTO says the properties must be, beyond each one's own shape: who is
// called, through which number, by whom, and the webhook a predialPlan needs.
void check_configuration(const json::object& doc) {
  const bool number = doc.contains("phoneNumberId");
  const bool plan = doc.contains("dialPlan");
  if (number && plan)
    throw ApiError::bad_request("phoneNumberId and dialPlan are mutually exclusive");
  if (!number && !plan) throw ApiError::bad_request("phoneNumberId or dialPlan is required");
  if (!plan && !doc.contains("customers"))
    throw ApiError::bad_request("customers is required when dialPlan is not provided");
  int agents = 0;
  for (const auto* key : {"assistantId", "workflowId", "squadId"}) agents += doc.contains(key);
  if (agents > 1)
    throw ApiError::bad_request("Only one of assistantId, workflowId, or squadId can be used");
  // The API document has no workflow paths, so no workflowId can name one of the org's.
  if (doc.contains("workflowId"))
    throw ApiError::bad_request(
        "workflowId names no workflow of this org (this server has no workflows): use "
        "assistantId or squadId");
  if (contacts(doc).size() > kMaxContacts)
    throw ApiError::bad_request("A campaign has at most " + std::to_string(kMaxContacts) +
                                " customers");
  if (doc.contains("predialPlan") && !doc.contains("server"))
    throw ApiError::bad_request("predialPlan requires server");
}

void on_create(storage::Session& s, std::string_view org_id, json::object& doc) {
  duplicate_from(s, org_id, doc);
  check_configuration(doc);
}

}  // namespace

void shape_body(json::object& body, const json::object* stored) {
  if (!stored) return;
  // "Can only be updated if campaign is not in progress or has ended."
  if (string_at(*stored, "status") != "scheduled")
    for (const auto* key :
         {"assistantId", "workflowId", "squadId", "phoneNumberId", "dialPlan", "schedulePlan"})
      if (body.contains(key))
        throw ApiError::bad_request(std::string(key) + " cannot be changed: this campaign is " +
                                    std::string(string_at(*stored, "status")));
  const std::string wanted(string_at(body, "status"));
  const std::string now(string_at(*stored, "status"));
  if (wanted.empty() || wanted == now) return;
  if (now == "ended" || now == "cancelled" || now == "archived")
    throw ApiError::bad_request("status cannot be changed: this campaign is " + now);
  // "campaign.scheduled.ended-by-user" or "campaign.in-progress.ended-by-user".
  if (wanted == "ended") body["endedReason"] = "campaign." + now + ".ended-by-user";
}

resources::ResourceSpec campaign_spec() {
  resources::ResourceSpec spec;
  spec.kind = kCampaignKind;
  spec.noun = "Campaign";
  spec.search_fields = {"name"};
  // What the campaign calls with and from (the default number and each dial plan's), and its
  // webhook's credential (UpdateCampaignDTO cannot write `server`). What a duplicate copies
  // from its source is not re-checked: it was checked when the source was written, and a
  // target deleted since stays named, as in the source.
  spec.references = {{"duplicateFromCampaignId", kCampaignKind, {}},
                     {"assistantId", "assistant", {}},
                     {"squadId", "squad", {}},
                     {"phoneNumberId", "phone-number", {}},
                     {"dialPlan[].phoneNumberId", "phone-number", {}},
                     credentials::server_credential_reference("server")};
  spec.on_create = on_create;
  spec.shape_body = shape_body;
  spec.create_defaults = {{"status", "scheduled"},       {"calls", json::object{}},
                          {"callsCounterScheduled", 0},  {"callsCounterQueued", 0},
                          {"callsCounterInProgress", 0}, {"callsCounterEndedVoicemail", 0},
                          {"callsCounterEnded", 0}};
  return spec;
}

const std::vector<std::string>& summary_fields() {
  static const std::vector<std::string> fields{"status",
                                               "endedReason",
                                               "name",
                                               "assistantId",
                                               "squadId",
                                               "phoneNumberId",
                                               "schedulePlan",
                                               "maxConcurrency",
                                               "assistantOverrides",
                                               "squadOverrides",
                                               "server",
                                               "serverMessages",
                                               "predialPlan",
                                               "id",
                                               "orgId",
                                               "createdAt",
                                               "updatedAt"};
  return fields;
}

void summarize(json::object& campaign, bool include_counters) {
  json::object counters;
  json::object metrics;
  if (include_counters) {
    for (const auto status : kContactStatuses) counters[status] = 0;
    std::int64_t dialed = 0, connected = 0;
    for (const auto& contact : contacts_of(campaign)) {
      // "contact.predial-failed" counts as predialFailed.
      auto status = std::string(string_at(contact, "status")).substr(8);
      if (status == "predial-failed") status = "predialFailed";
      counters[status] = counters[status].as_int64() + 1;
    }
    if (const auto* calls = object_at(campaign, "calls"))
      for (const auto& [id, value] : *calls) {
        if (!value.is_object()) continue;
        const auto& entry = value.get_object();
        if (entry.contains("placed")) ++dialed;
        if (entry.contains("connected") && string_at(entry, "endedReason") != "voicemail")
          ++connected;
      }
    metrics = {{"dialed", dialed}, {"connected", connected}};
  }
  // A new object, so the kept properties stay in their stored order.
  json::object summary;
  const auto& keep = summary_fields();
  for (auto& [key, value] : campaign)
    if (std::find(keep.begin(), keep.end(), key) != keep.end()) summary[key] = std::move(value);
  if (include_counters) {
    summary["contactCounters"] = std::move(counters);
    summary["callMetrics"] = std::move(metrics);
  }
  campaign = std::move(summary);
}

std::vector<json::object> contacts_of(const json::object& campaign) {
  std::vector<json::object> out;
  const auto called = states(campaign);
  const auto uncalled = uncalled_status(campaign);
  for (const auto& contact : contacts(campaign)) {
    json::object shown;
    shown["id"] = contact.id;
    const auto number = string_at(contact.customer, "number");
    shown["number"] = number.empty() ? string_at(contact.customer, "sipUri") : number;
    if (const auto name = string_at(contact.customer, "name"); !name.empty()) shown["name"] = name;
    const auto it = called.find(contact.id);
    if (it == called.end()) {
      shown["status"] = uncalled;
      if (uncalled == "contact.skipped") shown["endedReason"] = kNotCalledReason;
    } else {
      shown["status"] = it->second.status;
      // A contact the predial kept from being called has no call.
      if (it->second.call->contains("callStatus")) shown["callId"] = it->second.call_id;
      for (const auto* key : {"dispatchedAt", "endedReason"})
        if (const auto* v = it->second.call->if_contains(key)) shown[key] = *v;
    }
    out.push_back(std::move(shown));
  }
  return out;
}

json::object contacts_page(const json::object& campaign, const ContactQuery& q) {
  auto all = contacts_of(campaign);
  if (!q.statuses.empty())
    std::erase_if(all, [&](const json::object& c) {
      return std::find(q.statuses.begin(), q.statuses.end(), string_at(c, "status")) ==
             q.statuses.end();
    });
  if (q.by_status)
    std::stable_sort(all.begin(), all.end(), [](const json::object& a, const json::object& b) {
      return string_at(a, "status") < string_at(b, "status");
    });
  const auto total = static_cast<std::int64_t>(all.size());
  const std::int64_t limit = std::max<std::int64_t>(1, q.limit);
  // Pages past the end are empty; compared by division so a huge page cannot overflow.
  const std::int64_t skip = q.page - 1;
  const std::int64_t first = skip >= total / limit + 1 ? total : std::min(total, skip * limit);
  const std::int64_t last = first + std::min(limit, total - first);
  json::array results;
  for (auto i = first; i < last; ++i) results.push_back(std::move(all[i]));
  json::object metadata{{"itemsPerPage", limit},
                        {"totalItems", total},
                        {"currentPage", q.page},
                        {"totalPages", (total + limit - 1) / limit}};
  return {{"results", std::move(results)}, {"metadata", std::move(metadata)}};
}

}  // namespace sb::campaigns
