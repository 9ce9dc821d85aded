#include "webhooks/chat_messages.hpp"

#include <algorithm>

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

std::optional<json::object> stored(storage::Session& s, std::string_view kind,
                                   std::string_view org_id, std::string_view id) {
  if (id.empty()) return std::nullopt;
  auto found = s.resources().find(kind, org_id, ascii_lower(id));
  if (!found) return std::nullopt;  // deleted since: counts as unset
  auto parsed = json::parse(found->document);
  if (!parsed.is_object()) return std::nullopt;
  return std::move(parsed.as_object());
}

// A squad member's assistant: inline, or stored.
std::optional<json::object> member_assistant(storage::Session& s, std::string_view org_id,
                                             const json::object& squad) {
  const auto* members = array_at(squad, "members");
  if (!members || members->empty() || !members->front().is_object()) return std::nullopt;
  const auto& first = members->front().get_object();
  if (const auto* inline_assistant = object_at(first, "assistant")) return *inline_assistant;
  return stored(s, "assistant", org_id, string_at(first, "assistantId"));
}

// The assistant the chat ran, with its assistantOverrides applied at the top level.
std::optional<json::object> chat_assistant(storage::Session& s, const json::object& chat) {
  const auto org_id = string_at(chat, "orgId");
  std::optional<json::object> assistant;
  if (const auto* inline_assistant = object_at(chat, "assistant")) {
    assistant = *inline_assistant;
  } else if (auto id = string_at(chat, "assistantId"); !id.empty()) {
    assistant = stored(s, "assistant", org_id, id);
  } else if (const auto* squad = object_at(chat, "squad")) {
    assistant = member_assistant(s, org_id, *squad);
  } else if (auto squad_stored = stored(s, "squad", org_id, string_at(chat, "squadId"))) {
    assistant = member_assistant(s, org_id, *squad_stored);
  }
  if (!assistant) return std::nullopt;
  if (const auto* overrides = object_at(chat, "assistantOverrides"))
    for (const auto& [key, value] : *overrides) (*assistant)[key] = value;
  return assistant;
}

bool asks_for(const json::object* assistant, std::string_view type) {
  const auto* wanted = assistant ? array_at(*assistant, "serverMessages") : nullptr;
  if (!wanted) return false;  // Vapi's default list has no chat messages
  return std::any_of(wanted->begin(), wanted->end(), [type](const json::value& v) {
    return v.is_string() && v.get_string() == type;
  });
}

}  // namespace

json::object chat_message(resources::Change change, const json::object& chat) {
  json::object message;
  message["type"] = change == resources::Change::kRemoved ? "chat.deleted" : "chat.created";
  message["chat"] = chat;
  return message;
}

WrittenHook chat_notifier(Deliveries& deliveries) {
  return [&deliveries](storage::Session& s, resources::Change change, const json::object& chat) {
    if (change == resources::Change::kUpdated) return;  // Vapi documents no chat.updated
    auto message = chat_message(change, chat);
    const auto assistant = chat_assistant(s, chat);
    if (!asks_for(assistant ? &*assistant : nullptr, message["type"].get_string())) return;
    const std::string org_id(string_at(chat, "orgId"));
    const auto org = orgs::org_server(s, org_id);
    auto server =
        pick_server({assistant ? object_at(*assistant, "server") : nullptr, org ? &*org : nullptr});
    if (!server) return;
    deliveries.enqueue(s, {org_id, std::move(*server)}, string_at(chat, "id"), std::move(message));
  };
}

}  // namespace sb::webhooks
