#pragma once
// A campaign's progress messages (campaign.started, contact.dispatched, contact.completed, …,
// campaign.ended: the types its `serverMessages` lists; domain/campaigns/campaign_messages.hpp)
// enqueued in the write that made the progress, stream = the campaign id (in order), to the
// campaign's server, else the org's. No server, no message.

#include <functional>

#include <boost/json/object.hpp>

namespace sb::storage {
class Session;
}

namespace sb::webhooks {

class Deliveries;

using ChangedHook = std::function<void(storage::Session& s, const boost::json::object& before,
                                       const boost::json::object& after)>;

/// The campaigns' ResourceSpec::on_changed hook. `deliveries` must outlive it.
ChangedHook campaign_notifier(Deliveries& deliveries);

}  // namespace sb::webhooks
