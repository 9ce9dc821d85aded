// Catalog entry: live calls — POST /call over the WebSocket transport, the registry of live
// calls behind it (sharing the chats' conversation engine), and the transport's upgrades.

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>

#include <boost/asio/io_context.hpp>

#include "api/calls/call_forwarding.hpp"
#include "api/calls/call_routes.hpp"
#include "api/calls/transfer_whisper_routes.hpp"
#include "api/structured_outputs/structured_output_run_route.hpp"
#include "app/catalog/catalog.hpp"
#include "core/json_fields.hpp"
#include "domain/orgs/org_settings.hpp"
#include "runtime/analysis/call_analysis.hpp"
#include "runtime/analysis/structured_output_runs.hpp"
#include "runtime/voice/call_owners.hpp"
#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/campaign_dialer.hpp"
#include "runtime/voice/carriers.hpp"
#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/outbound_calls.hpp"
#include "runtime/voice/scheduled_calls.hpp"
#include "runtime/voice/sip_carrier.hpp"
#include "runtime/voice/transfer_whispers.hpp"
#include "storage/instance_repository.hpp"

namespace sb::app {
namespace {

class LiveCallEntry final : public RouteProvider {
 public:
  using MakeOutbound = std::function<std::unique_ptr<voice::OutboundCalls>(
      voice::LiveCalls&, const voice::Carriers&, voice::ScheduledCalls&)>;
  LiveCallEntry(voice::LiveCallsDeps deps, std::unique_ptr<voice::Carriers> carriers,
                const contract::Contract& contract, http::Authenticator& auth,
                const MakeOutbound& make_outbound, const resources::ResourceSpec& campaigns,
                std::int64_t campaign_org_concurrency, voice::CallOwnersOptions owners,
                net::HttpClient* http)
      : carriers_(std::move(carriers)),
        whispers_(deps.clock),
        whisper_routes_(whispers_, deps.public_url),
        phone_transfers_(carriers_ ? std::make_unique<voice::PhoneTransfers>(*carriers_, &whispers_,
                                                                             deps.public_url)
                                   : nullptr),
        transfers_(phone_transfers_.get()),
        scheduled_(scheduled_deps(deps)),
        // Before the registry recovers calls a killed process left live: their ends count.
        campaigns_(voice::CampaignDialerDeps{
            deps.store, deps.service, campaigns, deps.calls, deps.io.get_executor(), deps.clock,
            [this](boost::json::object call) { scheduled_.adopt(std::move(call)); },
            campaign_org_concurrency, &deps.deliveries}),
        calls_(with_transfers(std::move(deps), &transfers_)),
        // deps was moved into calls_; its references stay valid.
        owners_(
            deps.store,
            [this](storage::Session& s, const storage::CallOwner& call, const std::string& reason) {
              return calls_.end_stored_in(s, call.org_id, call.call_id, reason);
            },
            std::move(owners), deps.io.get_executor(), deps.clock),
        forwarding_(http ? std::make_unique<api::CallForwarding>(owners_, *http) : nullptr),
        outbound_(carriers_ ? make_outbound(calls_, *carriers_, scheduled_) : nullptr),
        routes_(contract, calls_, auth, outbound_.get(), forwarding_.get()) {}
  int register_routes(http::Router& router) override {
    return routes_.register_routes(router) + whisper_routes_.register_routes(router);
  }
  api::CallRoutes& routes() { return routes_; }
  voice::LiveCalls& calls() { return calls_; }
  voice::ScheduledCalls& scheduled() { return scheduled_; }
  voice::CampaignDialer& campaigns() { return campaigns_; }
  voice::CallOwners& owners() { return owners_; }
  voice::TransfersByTransport& transfers() { return transfers_; }
  const api::CallForwarding* forwarding() const { return forwarding_.get(); }

 private:
  static voice::LiveCallsDeps with_transfers(voice::LiveCallsDeps deps,
                                             voice::CallTransfers* transfers) {
    deps.transfers = transfers;
    return deps;
  }
  // Scheduled calls are dialled through the outbound calls (built after it, so by then).
  voice::ScheduledCallsDeps scheduled_deps(const voice::LiveCallsDeps& deps) {
    return voice::ScheduledCallsDeps{
        deps.store,
        deps.service,
        deps.calls,
        deps.io.get_executor(),
        deps.clock,
        [this](const boost::json::object& call, std::function<void(bool)> done) {
          if (!outbound_) return done(false);
          outbound_->dial_stored(call, std::move(done));
        },
        [this](const std::string& org, const std::string& id, const std::string& reason) {
          calls_.end_stored(org, id, reason, "scheduled");
        }};
  }
  std::unique_ptr<voice::Carriers> carriers_;  ///< none: no phone call goes through a carrier
  voice::TransferWhispers whispers_;           ///< warm transfers' introductions
  api::TransferWhisperRoutes whisper_routes_;
  std::unique_ptr<voice::CallTransfers> phone_transfers_;  ///< none: carrier calls cannot be
  voice::TransfersByTransport transfers_;                  ///< SIP calls' set by SipEndpoint
  voice::ScheduledCalls scheduled_;
  voice::CampaignDialer campaigns_;
  voice::LiveCalls calls_;
  voice::CallOwners owners_;
  std::unique_ptr<api::CallForwarding> forwarding_;  ///< none without an HTTP client
  std::unique_ptr<voice::OutboundCalls> outbound_;   ///< none: POST /call refuses phone calls
  api::CallRoutes routes_;
};

// POST /structured-output/run: its own analyzer on the calls' context.
class StructuredOutputRunEntry final : public RouteProvider {
 public:
  StructuredOutputRunEntry(const chat::ChatEngine& engine, boost::asio::io_context& io,
                           const Clock& clock, const contract::Contract& contract,
                           analysis::StructuredOutputRunDeps deps)
      : analyzer_(engine.model(), io.get_executor(), clock),
        runs_(std::move(deps), analyzer_),
        route_(contract, runs_) {}
  int register_routes(http::Router& router) override { return route_.register_routes(router); }

 private:
  analysis::Analyzer analyzer_;
  analysis::StructuredOutputRuns runs_;
  api::StructuredOutputRunRoute route_;
};

}  // namespace

LiveCallHandles add_live_calls(Catalog& catalog, const TelephonySpecs& telephony,
                               const AgentSpecs& agents, const CredentialSpecs& credentials,
                               const WorkspaceSpecs& workspace, LiveCallSetup setup) {
  const auto& deps = catalog.deps();
  if (!deps.deliveries) throw std::logic_error("live calls need server-message deliveries");
  voice::LiveCallsDeps calls{
      deps.store,
      catalog.service(),
      workspace.calls,
      chat::ResolverDeps{catalog.service(), agents.assistants, agents.squads, agents.tools,
                         credentials.credentials, *deps.clock},
      deps.llm_providers,
      *deps.deliveries,
      [](storage::Session& s, std::string_view org_id) { return orgs::org_server(s, org_id); },
      setup.engine,
      setup.transcriber,
      setup.voice,
      setup.io,
      deps.public_url,
      std::move(setup.journal_dir),
      setup.max_calls,
      voice::LiveCallOptions{setup.connect_timeout},
      *deps.clock};
  calls.recordings = &workspace.recordings;
  calls.instance_id = setup.instance_id;
  calls.phone_numbers = &telephony.phone_numbers;
  calls.structured_outputs = &workspace.structured_outputs;
  calls.scorecards = &workspace.scorecards;
  catalog.add(std::make_unique<StructuredOutputRunEntry>(
      setup.engine, setup.io, *deps.clock, *deps.contract,
      analysis::StructuredOutputRunDeps{deps.store, catalog.service(), workspace.structured_outputs,
                                        workspace.calls, workspace.scorecards, calls.resolver,
                                        deps.llm_providers, *deps.clock}));
  // The phone rings for 5/6 of the connect timeout (50 s of 60), at most Twilio's 600 s, so a
  // customer who answers late still finds the call waiting for its stream.
  const auto connect = std::chrono::duration_cast<std::chrono::seconds>(setup.connect_timeout);
  const auto ring = std::clamp(connect * 5 / 6, std::chrono::seconds(1), std::chrono::seconds(600));
  // Phone calls are dialled out and transferred through the carriers' APIs (none without an
  // HTTP client).
  std::unique_ptr<voice::Carriers> carriers;
  if (deps.http) {
    std::vector<std::unique_ptr<voice::OutboundCarrier>> each;
    each.push_back(voice::twilio_carrier(*deps.http, deps.provider_apis.twilio, deps.public_url));
    each.push_back(voice::vonage_carrier(*deps.http, deps.provider_apis.vonage_api));
    each.push_back(
        voice::telnyx_carrier(*deps.http, deps.provider_apis.telnyx, setup.telnyx_public_key));
    if (setup.sip_line) {
      each.push_back(voice::sip_trunk_carrier(*setup.sip_line, *deps.clock));
      each.push_back(voice::sip_uri_carrier(*setup.sip_line, *deps.clock));
    }
    carriers =
        std::make_unique<voice::Carriers>(deps.store, catalog.service(), telephony.phone_numbers,
                                          credentials.credentials, std::move(each));
  }
  auto make_outbound = [&](voice::LiveCalls& live, const voice::Carriers& through,
                           voice::ScheduledCalls& scheduled) {
    voice::OutboundCallsDeps outbound{live, through, deps.public_url, *deps.clock};
    outbound.ring_timeout = ring;
    outbound.scheduled = &scheduled;
    return std::make_unique<voice::OutboundCalls>(std::move(outbound));
  };
  auto entry = std::make_unique<LiveCallEntry>(
      std::move(calls), std::move(carriers), *deps.contract, setup.authenticator, make_outbound,
      workspace.campaigns, setup.campaign_org_concurrency,
      voice::CallOwnersOptions{setup.instance_id, setup.advertise_url, setup.heartbeat,
                               setup.heartbeat * 3},
      deps.http);
  LiveCallHandles handles{entry->routes(),    entry->calls(),     entry->scheduled(),
                          entry->campaigns(), entry->transfers(), entry->owners(),
                          entry->forwarding()};
  workspace.live_calls->find = [&calls = entry->calls()](std::string_view org_id,
                                                         std::string_view id) {
    std::optional<boost::json::object> fields;
    auto call = calls.snapshot(id);
    if (!call || string_at(*call, "orgId") != org_id) return fields;
    if (const auto* messages = call->if_contains("messages"))
      fields = boost::json::object{{"messages", *messages}};
    return fields;
  };
  catalog.add(std::move(entry));
  return handles;
}

}  // namespace sb::app
