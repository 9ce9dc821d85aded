#pragma once
// The campaign dialer: calls each contact of a running campaign once, through the outbound
// call machinery, within its schedulePlan window, at most maxConcurrency at a time and at
// most the org's ceiling across its campaigns (docs/campaigns.md).
//
// Durability: a contact is claimed in the same write that stores its call (status scheduled,
// campaignId, the campaign's schedulePlan latestAt) and records it in the campaign's `calls`
// (domain/campaigns/campaign_progress); the call is then handed to ScheduledCalls, which dials
// it under that id. After a crash, a claimed call still stored as scheduled was provably never
// placed and is dialled by ScheduledCalls::rearm (once: its claim moves it to queued); one that
// was live is ended by LiveCalls::recover (call.in-progress.error-vapifault-worker-died) and
// its contact counted as its call ended — never dialled again.
//
// With a predialPlan, each contact is first offered to the campaign's server
// (campaign.predial), counting against maxConcurrency while it waits; it is claimed only if the
// answer is {"eligible": true}. A restart during the wait offers it again (nobody was dialled).
//
// Ends of calls come from the store's change feed (every write of a call with a campaignId),
// so whatever ends a call (its carrier, the assistant, a restart, a scheduled call expiring)
// updates its campaign. Work per campaign runs one step at a time; a step is one write.
// Several instances on one PostgreSQL database each run a dialer over every campaign: a step
// is one transaction reading the campaign FOR UPDATE, so steps of different instances take
// turns and each contact is claimed once (campaign_dialer_test, two stores on one database).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "storage/change_feed.hpp"

namespace sb::storage {
class Store;
class Session;
}  // namespace sb::storage
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::net {
class Timer;
}
namespace sb::webhooks {
class Deliveries;
struct Reply;
}  // namespace sb::webhooks
namespace sb::campaigns {
struct Contact;
}

namespace sb::voice {

struct CampaignDialerDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& campaigns;
  const resources::ResourceSpec& calls;
  boost::asio::any_io_executor executor;  ///< its steps and timers run on a strand of it
  const Clock& clock = system_clock();
  /// Dials a call the dialer has stored as scheduled (ScheduledCalls::adopt). Any thread.
  std::function<void(boost::json::object call)> dial;
  /// Calls of an org's campaigns in flight at once, across its campaigns.
  std::int64_t org_ceiling = 10;
  /// Sends campaign.predial (none: a campaign with a predialPlan fails its contacts'
  /// predial).
  webhooks::Deliveries* deliveries = nullptr;
  /// How long a campaign's server has to answer campaign.predial (its timeoutSeconds, if
  /// shorter, wins).
  std::chrono::milliseconds predial_deadline{20'000};
};

class CampaignDialer {
 public:
  /// Subscribes to the change feed at once, so call ends published before start() count.
  explicit CampaignDialer(CampaignDialerDeps deps);
  ~CampaignDialer();
  CampaignDialer(const CampaignDialer&) = delete;
  CampaignDialer& operator=(const CampaignDialer&) = delete;

  /// Takes up every stored campaign still running: each call it has in flight is compared
  /// with the stored call (an end it missed while down is counted), then it goes on. Blocks on
  /// one read; call once, after LiveCalls::recover and ScheduledCalls::rearm.
  void start();

 private:
  struct Run;
  void changed(const storage::ResourceChange& change);  ///< the writer's thread
  void poke(const std::string& org, const std::string& id, bool reconcile = false);
  void step(const std::shared_ptr<Run>& run);  ///< on strand_
  /// Offers `contact` to the campaign's server (campaign.predial); its answer is decided().
  void predial(const std::shared_ptr<Run>& run, const boost::json::object& server,
               const campaigns::Contact& contact, boost::json::object message);  ///< on strand_
  void decided(const std::shared_ptr<Run>& run, const campaigns::Contact& contact,
               const webhooks::Reply& reply);
  /// Claims `contact` of `campaign` in the session's write: its call stored scheduled and
  /// recorded on the campaign. Returns the call, to dial once the write has committed.
  boost::json::object claim(storage::Session& s, boost::json::object& campaign,
                            const campaigns::Contact& contact, std::int64_t now) const;
  void stepped(const std::shared_ptr<Run>& run, std::optional<std::int64_t> wake);
  void poke_org(const std::string& org, bool reconcile = false);  ///< on strand_
  void call_changed(const std::string& org, boost::json::object call);
  std::int64_t org_in_flight(storage::Session& s, const std::string& org) const;

  CampaignDialerDeps deps_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::map<std::string, std::shared_ptr<Run>, std::less<>> runs_;  ///< on strand_ only
  storage::ChangeFeed::Subscription subscription_;
};

}  // namespace sb::voice
