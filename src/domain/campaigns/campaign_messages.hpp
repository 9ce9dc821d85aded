#pragma once
// A campaign's own server messages (CreateCampaignDTO.serverMessages): what a write of the
// campaign moved, as messages of the types it lists. Pure: the webhooks' campaign notifier
// (webhooks/campaign_messages.hpp) enqueues them in the write itself, so they are as durable as
// the progress they report.

#include <vector>

#include <boost/json/object.hpp>

namespace sb::campaigns {

/// The messages a write makes of `before` (the stored campaign) into `after`, of the types
/// after's `serverMessages` lists (none when it lists none), in this order:
/// - campaign.started (status → in-progress);
/// - contact.<status> for each contact whose status moved (dispatched, completed, failed,
///   skipped, predial-failed), in contact order — a campaign that ends or is cancelled skips
///   every contact it never called;
/// - campaign.ended, campaign.cancelled, campaign.archived, campaign.unarchived (status moved).
/// Each is {type, campaign: its CampaignSummary, contact?: its CampaignContactWithOutcome}.
std::vector<boost::json::object> progress_messages(const boost::json::object& before,
                                                   const boost::json::object& after);

}  // namespace sb::campaigns
