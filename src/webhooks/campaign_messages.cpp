#include "webhooks/campaign_messages.hpp"

#include "core/json_fields.hpp"
#include "domain/campaigns/campaign_messages.hpp"
#include "domain/orgs/org_settings.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::webhooks {

ChangedHook campaign_notifier(Deliveries& deliveries) {
  return [&deliveries](storage::Session& s, const boost::json::object& before,
                       const boost::json::object& after) {
    auto messages = campaigns::progress_messages(before, after);
    if (messages.empty()) return;
    const std::string org_id(string_at(after, "orgId"));
    const auto org = orgs::org_server(s, org_id);
    auto server = pick_server({object_at(after, "server"), org ? &*org : nullptr});
    if (!server) return;
    const Destination to{org_id, std::move(*server)};
    for (auto& m : messages) deliveries.enqueue(s, to, string_at(after, "id"), std::move(m));
  };
}

}  // namespace sb::webhooks
