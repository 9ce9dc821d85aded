#include "webhooks/session_messages.hpp"

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/orgs/org_settings.hpp"
#include "storage/resource_repository.hpp"
#include "storage/store.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::webhooks {
namespace {

namespace json = boost::json;

// The `server` of the stored resource `kind` named by `doc[id_field]`; nullopt when the id
// is unset or dangles (a deleted target counts as unset) or the resource has no server.
std::optional<json::object> stored_server(storage::Session& s, std::string_view org_id,
                                          const json::object& doc, std::string_view id_field,
                                          std::string_view kind) {
  const auto id = string_at(doc, id_field);
  if (id.empty()) return std::nullopt;
  auto found = s.resources().find(kind, org_id, ascii_lower(id));
  if (!found) return std::nullopt;
  auto stored = json::parse(found->document);
  if (const auto* server = object_at(stored.as_object(), "server")) return *server;
  return std::nullopt;
}

}  // namespace

json::object session_message(resources::Change change, const json::object& session) {
  const char* type = change == resources::Change::kCreated   ? "session.created"
                     : change == resources::Change::kUpdated ? "session.updated"
                                                             : "session.deleted";
  json::object message;
  message["type"] = type;
  message["session"] = session;
  if (const auto* customer = object_at(session, "customer")) message["customer"] = *customer;
  return message;
}

WrittenHook session_notifier(Deliveries& deliveries) {
  return [&deliveries](storage::Session& s, resources::Change change, const json::object& doc) {
    const std::string org_id(string_at(doc, "orgId"));
    const json::object* inline_assistant = object_at(doc, "assistant");
    const auto assistant = stored_server(s, org_id, doc, "assistantId", "assistant");
    const auto phone = stored_server(s, org_id, doc, "phoneNumberId", "phone-number");
    const auto org = orgs::org_server(s, org_id);
    auto server = pick_server({inline_assistant ? object_at(*inline_assistant, "server") : nullptr,
                               assistant ? &*assistant : nullptr, phone ? &*phone : nullptr,
                               org ? &*org : nullptr});
    if (!server) return;
    deliveries.enqueue(s, {org_id, std::move(*server)}, string_at(doc, "id"),
                       session_message(change, doc));
  };
}

}  // namespace sb::webhooks
