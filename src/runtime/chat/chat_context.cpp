#include "runtime/chat/chat_context.hpp"

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_service.hpp"
#include "runtime/chat/conversation_setup.hpp"
#include "storage/store.hpp"

namespace sb::chat {
namespace json = boost::json;

namespace {

json::object object_or_empty(const json::object& o, std::string_view key) {
  const auto* v = object_at(o, key);
  return v ? *v : json::object();
}

// Where a chat's assistant comes from: the request, else its session, else the chat it
// continues.
struct Source {
  const json::object* fields = nullptr;  // holds assistantId/assistant/squadId/squad
  json::object overrides;                // the source's own assistantOverrides
};

void check_session_open(const json::object& session, EpochMs now) {
  const auto id = string_at(session, "id");
  if (string_at(session, "status") == "completed")
    throw ApiError::bad_request("Session " + std::string(id) +
                                " is completed: create a new session to chat");
  const auto* seconds = session.if_contains("expirationSeconds");
  const auto created = parse_iso8601(string_at(session, "createdAt"));
  if (!seconds || !seconds->is_number() || !created) return;
  const auto expires = *created + static_cast<EpochMs>(seconds->to_number<double>() * 1000);
  if (now >= expires)
    throw ApiError::bad_request("Session " + std::string(id) + " expired at " +
                                format_iso8601(expires) + ": create a new session to chat");
}

json::array joined(const json::array& a, const json::array& b) {
  json::array out = a;
  for (const auto& v : b) out.push_back(v);
  return out;
}

}  // namespace

ChatContext load_chat_context(storage::Session& s, const ChatServiceDeps& deps,
                              const std::string& org_id, const std::string& chat_id,
                              const json::object& body) {
  const auto load = [&](const resources::ResourceSpec& spec, std::string_view id) {
    return deps.service.load(s, spec, org_id, id);
  };
  ChatContext ctx;
  json::object session, previous;
  Source source{&body, object_or_empty(body, "assistantOverrides")};
  json::array history;
  if (auto id = string_at(body, "sessionId"); !id.empty()) {
    session = load(deps.specs.sessions, id);
    check_session_open(session, deps.clock.wall_ms());
    ctx.session_id = id;
    source = {&session, object_or_empty(session, "assistantOverrides")};
    if (const auto* messages = array_at(session, "messages")) history = *messages;
  } else if (auto prev = string_at(body, "previousChatId"); !prev.empty()) {
    previous = load(deps.specs.chats, prev);
    if (const auto* m = array_at(previous, "messages")) history = *m;
    if (const auto* o = array_at(previous, "output")) history = joined(history, *o);
    const bool own = body.contains("assistantId") || body.contains("assistant") ||
                     body.contains("squadId") || body.contains("squad");
    if (!own) source = {&previous, object_or_empty(previous, "assistantOverrides")};
  }
  const json::value customer =
      session.contains("customer") ? session.at("customer") : json::value(nullptr);
  SetupRequest request{source.fields, source.overrides, std::nullopt, "", customer, false, {}};
  if (source.fields != &body) request.later_overrides = object_or_empty(body, "assistantOverrides");
  if (source.fields == &previous) request.start_with = string_at(previous, "handoffAssistantId");
  const ResolverDeps resolver{deps.service,     deps.specs.assistants,  deps.specs.squads,
                              deps.specs.tools, deps.specs.credentials, deps.clock};
  auto setup = resolve_conversation(s, resolver, org_id, request);
  ctx.conversation.assistants = std::move(setup.assistants);
  ctx.keys = std::move(setup.keys);
  const auto& first = ctx.conversation.assistants.front().assistant;
  const auto& fields = *source.fields;

  // The conversation: what came before, the greeting of a new one, this input.
  ctx.inherited = history.size();
  if (history.empty())
    if (auto greeting = first_message(first))
      history.push_back(json::object{{"role", "assistant"}, {"content", *greeting}});
  auto& conversation = ctx.conversation;
  conversation.org_id = org_id;
  conversation.history = std::move(history);
  conversation.input = input_messages(body.at("input"));
  conversation.org_server = deps.org_server(s, org_id);
  if (customer.is_object()) conversation.customer = customer.get_object();
  conversation.chat = {{"id", chat_id}};
  if (!ctx.session_id.empty()) conversation.chat["sessionId"] = ctx.session_id;

  // The chat object as it will be stored, but for its output and costs.
  auto& chat = ctx.chat;
  chat["id"] = chat_id;
  chat["orgId"] = org_id;
  for (auto key : {"assistantId", "assistant", "squadId", "squad", "assistantOverrides", "name",
                   "sessionId", "previousChatId", "input", "stream"})
    if (const auto* v = body.if_contains(key)) chat[key] = *v;
  if (source.fields != &body)
    for (auto key : {"assistantId", "squadId"})
      if (auto v = string_at(fields, key); !v.empty() && !chat.contains(key)) chat[key] = v;
  chat["messages"] = joined(conversation.history, conversation.input);
  return ctx;
}

ModelAccess model_access(const ModelSetup& setup, const std::map<std::string, std::string>& keys,
                         const llm::ProviderSettings& settings) {
  const auto* info = llm::find_provider(setup.provider);
  if (!info)
    throw ApiError::bad_request("model.provider " + setup.provider +
                                " is not supported by this server's chat engine yet (supported: " +
                                llm::supported_providers() + ")");
  ModelAccess access;
  access.timeout = settings.timeout;
  if (auto it = keys.find(setup.provider); it != keys.end()) access.api_key = it->second;
  if (access.api_key.empty()) access.api_key = settings.api_key(*info);
  if (setup.provider == "custom-llm") {
    if (setup.url.empty())
      throw ApiError::bad_request("model.url is required for the custom-llm provider");
    access.base_url = setup.url;
    return access;
  }
  access.base_url = settings.base_url(*info);
  if (access.api_key.empty())
    throw ApiError::bad_request("No API key for the " + setup.provider + " provider: add a " +
                                std::string(info->credential_provider) +
                                " credential (POST /credential) or set " +
                                std::string(info->key_env) + " in the server's environment");
  return access;
}

}  // namespace sb::chat
