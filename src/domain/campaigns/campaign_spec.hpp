#pragma once
// Campaigns (/campaign and /v2/campaign, the same records): an outbound calling campaign's
// configuration and progress. New campaigns are "scheduled" with zero call counters; the
// dialer (runtime/voice/campaign_dialer) calls their contacts, recording its progress in the
// document (campaign_progress.hpp). PATCH may end or cancel a campaign (ending records why);
// an ended, cancelled or archived campaign keeps its status, and what names who calls whom
// (assistant, number, dial plan, schedule) cannot change once it has started.
// Creation checks what CreateCampaignDTO says in words: phoneNumberId or dialPlan (not both),
// customers without a dial plan, one of assistantId/squadId, at most 10000 contacts.
// `duplicateFromCampaignId` copies the configuration another campaign of the org has and
// the body does not set.
//
// /v2/campaign shows each campaign as a CampaignSummary, with contact counters and call
// metrics when asked (`includeCounters`). Contacts (/v2/campaign/{id}/contacts) are the
// campaign's customers, then each dial-plan entry's, in that order.

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/resources/resource_spec.hpp"

namespace sb::campaigns {

inline constexpr const char* kCampaignKind = "campaign";

resources::ResourceSpec campaign_spec();

/// The spec's shape_body: on PATCH, the status transition rules.
void shape_body(boost::json::object& body, const boost::json::object* stored);

/// The CampaignSummary of a stored campaign (GET /v2/campaign...), with `contactCounters`
/// and `callMetrics` when `include_counters`.
void summarize(boost::json::object& campaign, bool include_counters);

/// The top-level properties a CampaignSummary has (besides the counters), for tests.
const std::vector<std::string>& summary_fields();

/// A page of contacts (GET /v2/campaign/{id}/contacts).
struct ContactQuery {
  std::vector<std::string> statuses;  ///< only these; empty: all
  bool by_status = false;             ///< sortBy=status; otherwise by position
  std::int64_t limit = 100;
  std::int64_t page = 1;
};

/// Every contact of `campaign`, as CampaignContactWithOutcome objects in position order.
std::vector<boost::json::object> contacts_of(const boost::json::object& campaign);

/// The CampaignContactPaginatedResponse for `query`.
boost::json::object contacts_page(const boost::json::object& campaign, const ContactQuery& query);

}  // namespace sb::campaigns
