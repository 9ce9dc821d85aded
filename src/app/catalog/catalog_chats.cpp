// Catalog entry: the chat engine behind POST /chat and POST /chat/responses — the LLM
// providers' client, the tool runner, the engine and the service that loads and stores
// chats. GET/DELETE /chat and /session are generic routes of the workspace group.

#include <memory>
#include <stdexcept>

#include "api/chats/chat_routes.hpp"
#include "app/catalog/catalog.hpp"
#include "domain/chats/chat_spec.hpp"
#include "domain/orgs/org_settings.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/chat/chat_service.hpp"
#include "runtime/chat/model.hpp"
#include "runtime/chat/tool_runner.hpp"

namespace sb::app {
namespace {

// Owns the engine its routes use, in construction order.
class ChatEntry final : public RouteProvider {
 public:
  ChatEntry(Catalog& catalog, chat::ChatSpecs specs, net::HttpClient& http,
            webhooks::Deliveries& deliveries)
      : llm_(http),
        model_(llm_),
        tools_(deliveries, http, *catalog.deps().clock),
        engine_(model_, tools_),
        service_(service_deps(catalog, specs)),
        routes_(*catalog.deps().contract, service_) {}
  int register_routes(http::Router& router) override { return routes_.register_routes(router); }
  const chat::ChatEngine& engine() const { return engine_; }

 private:
  chat::ChatServiceDeps service_deps(Catalog& catalog, const chat::ChatSpecs& specs) const {
    return {
        catalog.deps().store,
        catalog.service(),
        specs,
        engine_,
        catalog.deps().llm_providers,
        [](storage::Session& s, std::string_view org_id) { return orgs::org_server(s, org_id); },
        *catalog.deps().clock};
  }

  llm::LlmClient llm_;
  chat::LlmModel model_;
  chat::ToolRunner tools_;
  chat::ChatEngine engine_;
  chat::ChatService service_;
  api::ChatRoutes routes_;
};

}  // namespace

const chat::ChatEngine& add_chats(Catalog& catalog, const AgentSpecs& agents,
                                  const CredentialSpecs& credentials,
                                  const WorkspaceSpecs& workspace) {
  const auto& deps = catalog.deps();
  if (!deps.http || !deps.deliveries)
    throw std::logic_error("chats need outbound HTTP and server-message deliveries");
  const chat::ChatSpecs specs{agents.assistants,       agents.squads,   agents.tools,
                              credentials.credentials, workspace.chats, workspace.sessions};
  auto entry = std::make_unique<ChatEntry>(catalog, specs, *deps.http, *deps.deliveries);
  const auto& engine = entry->engine();
  catalog.add(std::move(entry));
  return engine;
}

}  // namespace sb::app
