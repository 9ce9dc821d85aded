#include "domain/campaigns/campaign_spec.hpp"

#include <algorithm>
#include <array>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/crypto.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
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
                  std::vector<json::object>& out) {
  if (!customers || !customers->is_array()) return;
  for (const auto& c : customers->get_array()) {
    if (!c.is_object()) continue;
    const auto& customer = c.get_object();
    json::object contact;
    contact["id"] = contact_id(campaign_id, out.size());
    const auto number = string_at(customer, "number");
    contact["number"] = number.empty() ? string_at(customer, "sipUri") : number;
    if (const auto name = string_at(customer, "name"); !name.empty()) contact["name"] = name;
    // Nothing is dialled until the voice runtime exists.
    contact["status"] = "contact.pending";
    out.push_back(std::move(contact));
  }
}

}  // namespace

void shape_body(json::object& body, const json::object* stored) {
  if (!stored) return;
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
  spec.on_create = duplicate_from;
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
  if (include_counters) {
    for (const auto status : kContactStatuses) counters[status] = 0;
    counters["pending"] = contacts_of(campaign).size();
  }
  // A new object, so the kept properties stay in their stored order.
  json::object summary;
  const auto& keep = summary_fields();
  for (auto& [key, value] : campaign)
    if (std::find(keep.begin(), keep.end(), key) != keep.end()) summary[key] = std::move(value);
  if (include_counters) {
    summary["contactCounters"] = std::move(counters);
    summary["callMetrics"] = json::object{{"dialed", 0}, {"connected", 0}};
  }
  campaign = std::move(summary);
}

std::vector<json::object> contacts_of(const json::object& campaign) {
  std::vector<json::object> out;
  const auto id = string_at(campaign, "id");
  add_contacts(campaign.if_contains("customers"), id, out);
  if (const auto* plan = campaign.if_contains("dialPlan"); plan && plan->is_array())
    for (const auto& entry : plan->get_array())
      if (entry.is_object()) add_contacts(entry.get_object().if_contains("customers"), id, out);
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
