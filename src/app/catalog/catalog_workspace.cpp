// Catalog group: structured outputs, insights, scorecards, provider
// resources, sessions (and their server messages), campaigns, chats and calls (their stored
// parts), the 501s for behaviour that belongs to later work, GET /api-json and /org/{id}.

#include "api/analytics/analytics_routes.hpp"
#include "api/calls/call_artifact_routes.hpp"
#include "api/calls/recording_content.hpp"
#include "api/campaigns/campaign_contacts_route.hpp"
#include "api/openapi/api_json_route.hpp"
#include "api/orgs/org_routes.hpp"
#include "app/catalog/catalog.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/calls/recording_store.hpp"
#include "domain/campaigns/campaign_spec.hpp"
#include "domain/chats/chat_spec.hpp"
#include "domain/insights/insight_spec.hpp"
#include "domain/provider_resources/provider_resource_spec.hpp"
#include "domain/scorecards/scorecard_spec.hpp"
#include "domain/sessions/session_spec.hpp"
#include "domain/structured_outputs/structured_output_spec.hpp"
#include "http/message.hpp"
#include "webhooks/campaign_messages.hpp"
#include "webhooks/chat_messages.hpp"
#include "webhooks/session_messages.hpp"

namespace sb::app {
namespace {

// GET /recording/{name}; it owns the recording store, which the call spec (deleting a call's
// files) and the live calls (writing them) refer to: the catalog outlives both.
class RecordingContentEntry final : public RouteProvider {
 public:
  RecordingContentEntry(storage::Store& store, const std::string& data_dir, bool in_database)
      : recordings_(data_dir, in_database), route_(store, recordings_) {}
  int register_routes(http::Router& router) override { return route_.register_routes(router); }
  const calls::RecordingStore& recordings() const { return recordings_; }

 private:
  calls::RecordingStore recordings_;
  api::RecordingContentRoute route_;
};

// GET /session filters on the session's customer by the customer's own field names.
api::ParamFields session_params() {
  return {{"number", "customer.number"},
          {"customerNumberAny", "customer.numberAny"},
          {"sipUri", "customer.sipUri"},
          {"email", "customer.email"},
          {"externalId", "customer.externalId"},
          {"extension", "customer.extension"},
          // A validation switch (default true, usually absent) and whole objects: not filters.
          {"numberE164CheckEnabled", ""},
          {"assistantOverrides", ""},
          {"squadOverrides", ""}};
}

const resources::ResourceSpec& add_campaigns(Catalog& catalog) {
  api::ResourceRoutes routes{
      "/campaign", "/campaign/{id}", {"/v2/campaign"}, {{"includeCounters", ""}}};
  routes.items = {"/v2/campaign/{id}"};
  const api::View summary = [](boost::json::object& doc, const http::Request& request) {
    campaigns::summarize(doc, request.query_value("includeCounters") == "true");
  };
  routes.views = {{"/v2/campaign", summary}, {"/v2/campaign/{id}", summary}};
  auto spec = campaigns::campaign_spec();
  if (auto* deliveries = catalog.deps().deliveries)
    spec.on_changed = webhooks::campaign_notifier(*deliveries);
  return catalog.add(std::move(spec), std::move(routes));
}

// Stored objects that only a later capability creates: no POST on their collection.
const resources::ResourceSpec& add_read_only(Catalog& catalog, resources::ResourceSpec spec,
                                             std::string collection) {
  api::ResourceRoutes routes{collection, collection + "/{id}", {}, {}};
  routes.creates = false;
  return catalog.add(std::move(spec), std::move(routes));
}

}  // namespace

WorkspaceSpecs add_workspace(Catalog& catalog) {
  const auto& structured_outputs =
      catalog.add(structured_outputs::structured_output_spec(),
                  {"/structured-output", "/structured-output/{id}", {}, {}});
  const auto& insight = catalog.add(insights::insight_spec(),
                                    {"/reporting/insight", "/reporting/insight/{id}", {}, {}});
  const auto& scorecards =
      catalog.add(scorecards::scorecard_spec(),
                  {"/observability/scorecard", "/observability/scorecard/{id}", {}, {}});
  catalog.add(
      provider_resources::provider_resource_spec(),
      {"/provider/{provider}/{resourceName}", "/provider/{provider}/{resourceName}/{id}", {}, {}});
  auto session = sessions::session_spec();
  if (auto* deliveries = catalog.deps().deliveries)
    session.on_written = webhooks::session_notifier(*deliveries);
  const auto& sessions =
      catalog.add(std::move(session), {"/session", "/session/{id}", {}, session_params()});
  const auto& campaign = add_campaigns(catalog);
  const auto& deps = catalog.deps();
  catalog.add(std::make_unique<api::CampaignContactsRoute>(deps.store, catalog.service(),
                                                           *deps.contract, campaign));
  auto chat = chats::chat_spec();
  if (auto* deliveries = catalog.deps().deliveries)
    chat.on_written = webhooks::chat_notifier(*deliveries);
  const auto& chats = add_read_only(catalog, std::move(chat), "/chat");
  auto recording_content =
      std::make_unique<RecordingContentEntry>(deps.store, deps.data_dir, deps.files_in_database);
  const auto& recordings = recording_content->recordings();
  catalog.add(std::move(recording_content));
  // A live call's messages so far are in memory (the registry's), shown over the stored call.
  auto live_calls = std::make_shared<api::LiveFields>();
  api::ResourceRoutes call_routes{"/call", "/call/{id}", {}, {}};
  call_routes.creates = false;
  call_routes.live = live_calls;
  const auto& call = catalog.add(calls::call_spec(&recordings), std::move(call_routes));
  catalog.add(std::make_unique<api::CallArtifactRoutes>(deps.store, catalog.service(),
                                                        *deps.contract, call));
  catalog.add(std::make_unique<api::AnalyticsRoutes>(deps.store, catalog.service(), *deps.contract,
                                                     *deps.clock, insight));
  catalog.add(std::make_unique<api::ApiJsonRoute>(*deps.contract));
  catalog.add(std::make_unique<api::OrgRoutes>(deps.store, deps.contract));
  return {sessions,           chats,     call, campaign, recordings, std::move(live_calls),
          structured_outputs, scorecards};
}

}  // namespace sb::app
