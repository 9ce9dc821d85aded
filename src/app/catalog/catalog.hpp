#pragma once
// Everything the API serves besides /health: resources on the generic engine and any route
// providers of their own (uploads, 501s for behaviour that belongs to later work). Entries
// are added by group, one file per group (catalog_*.cpp), so groups grow independently.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/common/route_provider.hpp"
#include "api/resources/resource_controller.hpp"
#include "core/clock.hpp"
#include "domain/resources/resource_spec.hpp"
#include "runtime/llm/llm_client.hpp"
#include "telephony/provider_apis.hpp"

namespace sb {
class SecretBox;
}
namespace sb::contract {
class Contract;
}
namespace sb::storage {
class Store;
}
namespace sb::http {
class Authenticator;
class Router;
}  // namespace sb::http
namespace sb::phone_numbers {
class NumberPool;
}
namespace sb::net {
class HttpClient;
}
namespace sb::resources {
class ResourceService;
}
namespace sb::webhooks {
class Deliveries;
}
namespace sb::chat {
class ChatEngine;
}
namespace sb::speech {
class Transcriber;
class Voice;
}  // namespace sb::speech
namespace sb::api {
class CallForwarding;
class CallRoutes;
}  // namespace sb::api
namespace sb::voice {
class CallOwners;
class CampaignDialer;
class LiveCalls;
class ScheduledCalls;
class SipLine;
class TransfersByTransport;
}  // namespace sb::voice
namespace sb::calls {
class RecordingStore;
}
namespace sb::telephony {
class InboundCalls;
}
namespace boost::asio {
class io_context;
}

namespace sb::app {

using api::RouteProvider;

/// What catalog entries may use.
struct CatalogDeps {
  storage::Store& store;
  const SecretBox& secrets;
  std::shared_ptr<const contract::Contract> contract;
  const phone_numbers::NumberPool& number_pool;
  std::string data_dir;
  std::size_t file_size_limit = 10 << 20;  ///< the largest upload (POST /file), in bytes
  /// The base URL providers and clients reach this server at, for URLs in responses (file
  /// content). Known once the server listens, so asked for at request time.
  std::function<std::string()> public_url = [] { return std::string(); };
  /// Outbound HTTP (provider APIs) and where the providers' APIs are. Without a client,
  /// imported numbers are stored without pointing them at this server (unit tests).
  net::HttpClient* http = nullptr;
  telephony::ProviderApis provider_apis = {};
  /// Where server messages go (sessions send theirs); none in unit tests.
  webhooks::Deliveries* deliveries = nullptr;
  /// Where the LLM providers are and the server's own keys for them (chats).
  llm::ProviderSettings llm_providers = {};
  /// The time the conversation runtime and inbound calls read (stamps, expiry, budgets).
  const Clock* clock = &system_clock();
  /// Uploaded files' bytes in the database (PostgreSQL: every instance serves every file),
  /// not under data_dir/files.
  bool files_in_database = false;
};

class Catalog {
 public:
  explicit Catalog(CatalogDeps deps);
  ~Catalog();

  const CatalogDeps& deps() const { return deps_; }
  const resources::ResourceService& service() const { return *service_; }

  /// Serves `spec` on `routes` with the generic controller. Returns the stored spec, which
  /// lives as long as the catalog.
  const resources::ResourceSpec& add(resources::ResourceSpec spec, api::ResourceRoutes routes);
  /// Takes a provider of its own routes.
  void add(std::unique_ptr<RouteProvider> provider);

  /// Registers every entry's routes. Throws if an entry matches no operation of the contract.
  void register_routes(http::Router& router);

 private:
  CatalogDeps deps_;
  std::unique_ptr<resources::ResourceService> service_;
  std::vector<std::unique_ptr<resources::ResourceSpec>> specs_;
  std::vector<std::unique_ptr<RouteProvider>> providers_;
};

// What each group serves that other entries use. Typed and handed on where the entries are
// wired (server_app.cpp), so what an engine reads is spelled out there, not looked up by name.
struct TelephonySpecs {
  const resources::ResourceSpec& phone_numbers;
};
struct AgentSpecs {
  const resources::ResourceSpec& assistants;
  const resources::ResourceSpec& squads;
  const resources::ResourceSpec& tools;
};
struct CredentialSpecs {
  const resources::ResourceSpec& credentials;
};
struct WorkspaceSpecs {
  const resources::ResourceSpec& sessions;
  const resources::ResourceSpec& chats;
  const resources::ResourceSpec& calls;
  const resources::ResourceSpec& campaigns;
  const calls::RecordingStore& recordings;  ///< calls' recordings (DATA_DIR/recordings)
  /// What GET /call/{id} shows of a live call besides its stored document: add_live_calls
  /// fills it in.
  std::shared_ptr<api::LiveFields> live_calls;
  /// What the analysis after calls extracts and scores (add_live_calls).
  const resources::ResourceSpec& structured_outputs;
  const resources::ResourceSpec& scorecards;
};

/// The groups, one file each.
TelephonySpecs add_telephony(Catalog& catalog);           // catalog_telephony.cpp
AgentSpecs add_agents(Catalog& catalog);                  // catalog_agents.cpp
CredentialSpecs add_credentials_files(Catalog& catalog);  // catalog_credentials_files.cpp
WorkspaceSpecs add_workspace(Catalog& catalog);           // catalog_workspace.cpp
/// POST /chat and /chat/responses: the chat engine (needs `http` and `deliveries`). Returns the
/// conversation engine, which live calls share (it lives as long as the catalog).
const chat::ChatEngine& add_chats(Catalog& catalog, const AgentSpecs& agents,
                                  const CredentialSpecs& credentials,
                                  const WorkspaceSpecs& workspace);  // catalog_chats.cpp
/// What voice simulations run on: the live calls their targets' calls run in, the voice their
/// testers speak with, and the calls' context.
struct SimulationVoice {
  voice::LiveCalls& calls;
  speech::Voice& voice;
  boost::asio::io_context& io;
};
/// /eval and /eval/run (runs played through `engine`), and /eval/simulation/... (at most
/// `simulation_concurrency` slots of an org in use at once; voice items in `voice`).
void add_evals(Catalog& catalog, const AgentSpecs& agents, const CredentialSpecs& credentials,
               const chat::ChatEngine& engine, std::int64_t simulation_concurrency,
               SimulationVoice voice);  // catalog_evals.cpp
/// What live calls run on, besides the catalog's dependencies.
struct LiveCallSetup {
  const chat::ChatEngine& engine;
  speech::Transcriber& transcriber;
  speech::Voice& voice;
  boost::asio::io_context& io;  ///< the calls' context
  std::string journal_dir;
  std::size_t max_calls;
  std::chrono::milliseconds connect_timeout{60'000};
  /// Calls in flight at once across an org's campaigns (CampaignDialerDeps::org_ceiling).
  std::int64_t campaign_org_concurrency = 10;
  /// Checks the keys a call's monitorPlan may ask for (the API's own authenticator).
  http::Authenticator& authenticator;
  /// Verifies the status callbacks of calls dialled through Telnyx ("": none are dialled).
  std::string telnyx_public_key;
  /// The SIP side byo-phone-numbers dial out through (attached once it runs); none: they
  /// cannot.
  voice::SipLine* sip_line = nullptr;
  /// This instance among several on one database: its id, how the others reach it (read once
  /// it listens) and its heartbeat (runtime/voice/call_owners.hpp).
  std::string instance_id = {};
  std::function<std::string()> advertise_url = {};
  std::chrono::milliseconds heartbeat{5'000};
};
/// What the server drives itself: the routes take the transport's WebSocket upgrades; the
/// registry recovers calls at start and drains them at shutdown.
struct LiveCallHandles {
  api::CallRoutes& routes;
  voice::LiveCalls& calls;
  voice::ScheduledCalls& scheduled;        ///< rearm() once calls left live are ended
  voice::CampaignDialer& campaigns;        ///< start() once scheduled calls are rearmed
  voice::TransfersByTransport& transfers;  ///< SIP calls' transfers join it (SipEndpoint)
  voice::CallOwners& owners;               ///< start() once the calls left live are ended
  const api::CallForwarding* forwarding;   ///< relays to the instance a call is live on
};
/// POST /call (the WebSocket transport), the live-call registry and the analysis after calls
/// (POST /structured-output/run too).
LiveCallHandles add_live_calls(Catalog& catalog, const TelephonySpecs& telephony,
                               const AgentSpecs& agents, const CredentialSpecs& credentials,
                               const WorkspaceSpecs& workspace,
                               LiveCallSetup setup);  // catalog_live_calls.cpp
/// The providers' webhooks for inbound calls and the routing engine behind them, which SIP
/// calls are routed by too.
const telephony::InboundCalls& add_inbound_calls(
    Catalog& catalog, const TelephonySpecs& telephony, const AgentSpecs& agents,
    const CredentialSpecs& credentials, const WorkspaceSpecs& workspace,
    std::string telnyx_public_key, voice::LiveCalls* live_calls,
    const api::CallForwarding* forwarding);  // catalog_inbound_calls.cpp

}  // namespace sb::app
