#include "runtime/chat/chat_context.hpp"

#include <chrono>
#include <set>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_service.hpp"
#include "runtime/chat/template.hpp"
#include "storage/store.hpp"

namespace sb::chat {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAssistants = 16;  // a chat's squad members and handoff targets

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

class Loader {
 public:
  Loader(storage::Session& s, const ChatServiceDeps& deps, std::string org)
      : s_(s), deps_(deps), org_(std::move(org)) {}

  json::object load(const resources::ResourceSpec& spec, std::string_view id) {
    return deps_.service.load(s_, spec, org_, id);
  }

  // The assistant `member` (or a chat source) names: an id to load or an inline object.
  std::pair<json::object, std::string> assistant_of(const json::object& holder) {
    if (auto id = string_at(holder, "assistantId"); !id.empty())
      return {load(deps_.specs.assistants, id), std::string(id)};
    if (const auto* inline_assistant = object_at(holder, "assistant"))
      return {*inline_assistant, ""};
    throw ApiError::bad_request("A squad member needs assistantId or assistant");
  }

  // The Vapi tool objects of an assistant: model.tools and the tools of model.toolIds.
  json::array tools_of(const json::object& assistant) {
    json::array tools;
    const auto* model = object_at(assistant, "model");
    if (!model) return tools;
    if (const auto* inline_tools = array_at(*model, "tools")) tools = *inline_tools;
    if (const auto* ids = array_at(*model, "toolIds"))
      for (const auto& id : *ids)
        if (id.is_string()) tools.push_back(load(deps_.specs.tools, id.get_string()));
    return tools;
  }

  ResolvedAssistant resolve(json::object assistant, std::string id, json::array destinations) {
    ResolvedAssistant r;
    r.tools = tools_of(assistant);
    r.name = string_at(assistant, "name");
    r.assistant = std::move(assistant);
    r.id = std::move(id);
    r.squad_destinations = std::move(destinations);
    return r;
  }

  // Adds the assistants the handoff tools of `assistants` point at by id or inline, until
  // every reachable one is there (bounded).
  void add_handoff_targets(std::vector<ResolvedAssistant>& assistants) {
    for (std::size_t i = 0; i < assistants.size() && assistants.size() < kMaxAssistants; ++i) {
      for (const auto& t : json::array(assistants[i].tools)) {
        if (!t.is_object() || string_at(t.get_object(), "type") != "handoff") continue;
        const auto* destinations = array_at(t.get_object(), "destinations");
        if (!destinations) continue;
        for (const auto& d : *destinations) {
          if (!d.is_object() || assistants.size() >= kMaxAssistants) continue;
          const auto& destination = d.get_object();
          if (auto id = string_at(destination, "assistantId"); !id.empty()) {
            if (!known(assistants, id))
              assistants.push_back(resolve(load(deps_.specs.assistants, id), std::string(id), {}));
          } else if (const auto* inline_assistant = object_at(destination, "assistant")) {
            auto name = string_at(*inline_assistant, "name");
            if (!name.empty() && !known_name(assistants, name))
              assistants.push_back(resolve(*inline_assistant, "", {}));
          }
        }
      }
    }
  }

  // The org's key of each provider the assistants use: the model's credentialId, else the
  // org's newest credential of that provider.
  std::map<std::string, std::string> keys_for(const std::vector<ResolvedAssistant>& assistants) {
    std::map<std::string, std::string> keys;
    for (const auto& a : assistants) {
      const auto* model = object_at(a.assistant, "model");
      if (!model) continue;
      const std::string provider(string_at(*model, "provider"));
      const auto* info = llm::find_provider(provider);
      if (!info || keys.count(provider)) continue;
      std::string credential_id(string_at(*model, "credentialId"));
      if (credential_id.empty()) credential_id = newest_credential(info->credential_provider);
      if (credential_id.empty()) continue;
      const auto secrets =
          deps_.service.secrets_of(s_, deps_.specs.credentials, org_, credential_id);
      if (auto key = string_at(secrets, "apiKey"); !key.empty()) keys[provider] = key;
    }
    return keys;
  }

 private:
  static bool known(const std::vector<ResolvedAssistant>& list, std::string_view id) {
    for (const auto& a : list)
      if (a.id == id) return true;
    return false;
  }
  static bool known_name(const std::vector<ResolvedAssistant>& list, std::string_view name) {
    for (const auto& a : list)
      if (a.name == name) return true;
    return false;
  }
  std::string newest_credential(std::string_view provider) {
    if (provider.empty()) return "";
    storage::ResourceQuery query;
    query.limit = 1;
    query.fields.push_back({"provider",
                            storage::FieldFilter::Op::kEquals,
                            storage::FieldFilter::Type::kText,
                            {std::string(provider)}});
    const auto page = deps_.service.list(s_, deps_.specs.credentials, org_, query);
    if (page.documents.empty()) return "";
    return std::string(string_at(json::parse(page.documents.front()).as_object(), "id"));
  }

  storage::Session& s_;
  const ChatServiceDeps& deps_;
  std::string org_;
};

// Renders the text a chat's assistant speaks with: its system messages and firstMessage.
void render_assistant(json::object& assistant, const json::object& variables) {
  if (auto* first = assistant.if_contains("firstMessage"); first && first->is_string())
    *first = render_template(first->get_string(), variables);
  auto* model = assistant.if_contains("model");
  if (!model || !model->is_object()) return;
  auto* messages = model->get_object().if_contains("messages");
  if (!messages || !messages->is_array()) return;
  for (auto& m : messages->get_array()) {
    if (!m.is_object()) continue;
    for (auto key : {"content", "message"})
      if (auto* text = m.get_object().if_contains(key); text && text->is_string())
        *text = render_template(text->get_string(), variables);
  }
}

json::object variables_of(const json::object& overrides) {
  return object_or_empty(overrides, "variableValues");
}

void check_session_open(const json::object& session) {
  const auto id = string_at(session, "id");
  if (string_at(session, "status") == "completed")
    throw ApiError::bad_request("Session " + std::string(id) +
                                " is completed: create a new session to chat");
  const auto* seconds = session.if_contains("expirationSeconds");
  const auto created = parse_iso8601(string_at(session, "createdAt"));
  if (!seconds || !seconds->is_number() || !created) return;
  const auto expires = *created + static_cast<EpochMs>(seconds->to_number<double>() * 1000);
  if (now_ms() >= expires)
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
  Loader loader(s, deps, org_id);
  ChatContext ctx;
  json::object session, previous;
  Source source{&body, object_or_empty(body, "assistantOverrides")};
  json::array history;
  if (auto id = string_at(body, "sessionId"); !id.empty()) {
    session = loader.load(deps.specs.sessions, id);
    check_session_open(session);
    ctx.session_id = id;
    source = {&session, object_or_empty(session, "assistantOverrides")};
    if (const auto* messages = array_at(session, "messages")) history = *messages;
  } else if (auto prev = string_at(body, "previousChatId"); !prev.empty()) {
    previous = loader.load(deps.specs.chats, prev);
    if (const auto* m = array_at(previous, "messages")) history = *m;
    if (const auto* o = array_at(previous, "output")) history = joined(history, *o);
    const bool own = body.contains("assistantId") || body.contains("assistant") ||
                     body.contains("squadId") || body.contains("squad");
    if (!own) source = {&previous, object_or_empty(previous, "assistantOverrides")};
  }
  const auto& fields = *source.fields;
  const auto now = std::chrono::system_clock::now();
  const json::value customer =
      session.contains("customer") ? session.at("customer") : json::value(nullptr);
  const auto source_vars = with_builtins(variables_of(source.overrides), now, customer);

  // The assistants: a squad's members (the first starts), or the one assistant.
  auto& assistants = ctx.conversation.assistants;
  json::object squad;
  std::string squad_id(string_at(fields, "squadId"));
  if (!squad_id.empty())
    squad = loader.load(deps.specs.squads, squad_id);
  else if (const auto* inline_squad = object_at(fields, "squad"))
    squad = *inline_squad;
  if (const auto* members = array_at(squad, "members")) {
    const auto members_overrides = object_or_empty(squad, "membersOverrides");
    for (const auto& m : *members) {
      if (!m.is_object() || assistants.size() >= kMaxAssistants) continue;
      auto [assistant, id] = loader.assistant_of(m.get_object());
      assistant = apply_overrides(std::move(assistant),
                                  object_or_empty(m.get_object(), "assistantOverrides"));
      assistant = apply_overrides(std::move(assistant), members_overrides);
      const auto* destinations = array_at(m.get_object(), "assistantDestinations");
      assistants.push_back(loader.resolve(std::move(assistant), std::move(id),
                                          destinations ? *destinations : json::array()));
    }
    if (assistants.empty()) throw ApiError::bad_request("The squad has no members");
  } else if (string_at(fields, "assistantId").size() || object_at(fields, "assistant")) {
    auto [assistant, id] = loader.assistant_of(fields);
    assistants.push_back(loader.resolve(std::move(assistant), std::move(id), {}));
  } else {
    throw ApiError::bad_request(
        "There is no assistant to run: the session or previous chat names no assistant or "
        "squad");
  }
  // A continued chat goes on with the assistant its previous chat was handed off to.
  loader.add_handoff_targets(assistants);
  if (source.fields == &previous)
    if (auto handed = string_at(previous, "handoffAssistantId"); !handed.empty())
      for (std::size_t i = 1; i < assistants.size(); ++i)
        if (assistants[i].id == handed) std::swap(assistants[0], assistants[i]);
  // The starting assistant takes the overrides: the source's, then (for a session or a
  // continued chat) the request's. Each set's variables render the text it brings.
  auto& first = assistants.front().assistant;
  first = apply_overrides(std::move(first), source.overrides);
  for (auto& a : assistants) render_assistant(a.assistant, source_vars);
  if (source.fields != &body) {
    const auto request_overrides = object_or_empty(body, "assistantOverrides");
    first = apply_overrides(std::move(first), request_overrides);
    auto vars = variables_of(source.overrides);
    for (const auto& [k, v] : variables_of(request_overrides)) vars[k] = v;
    render_assistant(first, with_builtins(std::move(vars), now, customer));
  }
  assistants.front().tools = loader.tools_of(first);
  loader.add_handoff_targets(assistants);
  ctx.keys = loader.keys_for(assistants);

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
