// Catalog entry: the telephony providers' webhooks (/twilio/*, /vonage/*, /telnyx/*) and the
// routing engine behind them, which reads phone numbers, credentials, assistants and squads,
// stores calls and sends server messages.

#include <memory>
#include <stdexcept>

#include "api/telephony/provider_webhook_routes.hpp"
#include "app/catalog/catalog.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/orgs/org_settings.hpp"
#include "runtime/voice/live_calls.hpp"
#include "telephony/inbound_calls.hpp"

namespace sb::app {
namespace {

// Owns the engine its routes use.
class InboundCallEntry final : public RouteProvider {
 public:
  InboundCallEntry(telephony::InboundCallsDeps deps, api::ProviderWebhookConfig config)
      : calls_(std::move(deps)), routes_(calls_, std::move(config)) {}
  int register_routes(http::Router& router) override { return routes_.register_routes(router); }
  const telephony::InboundCalls& calls() const { return calls_; }

 private:
  telephony::InboundCalls calls_;
  api::ProviderWebhookRoutes routes_;
};

}  // namespace

const telephony::InboundCalls& add_inbound_calls(Catalog& catalog, const TelephonySpecs& telephony,
                                                 const AgentSpecs& agents,
                                                 const CredentialSpecs& credentials,
                                                 const WorkspaceSpecs& workspace,
                                                 std::string telnyx_public_key,
                                                 voice::LiveCalls* live_calls,
                                                 const api::CallForwarding* forwarding) {
  const auto& deps = catalog.deps();
  if (!deps.deliveries) throw std::logic_error("inbound calls need server-message deliveries");
  telephony::InboundCallsDeps engine{
      deps.store,
      catalog.service(),
      telephony.phone_numbers,
      credentials.credentials,
      agents.assistants,
      agents.squads,
      workspace.calls,
      *deps.deliveries,
      [](storage::Session& s, std::string_view org_id) { return orgs::org_server(s, org_id); },
      *deps.clock,
      [live_calls](std::string_view id, const std::string& reason, std::function<void()> stored) {
        return live_calls && live_calls->end(id, reason, std::move(stored));
      }};
  auto entry = std::make_unique<InboundCallEntry>(
      std::move(engine), api::ProviderWebhookConfig{deps.public_url, std::move(telnyx_public_key),
                                                    live_calls, forwarding});
  const auto& calls = entry->calls();
  catalog.add(std::move(entry));
  return calls;
}

}  // namespace sb::app
