#include "runtime/chat/conversation_setup.hpp"

#include <chrono>
#include <optional>
#include <utility>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_setup.hpp"
#include "runtime/chat/template.hpp"
#include "storage/store.hpp"

namespace sb::chat {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAssistants = 16;  // a conversation's squad members and handoff targets

json::object object_or_empty(const json::object& o, std::string_view key) {
  const auto* v = object_at(o, key);
  return v ? *v : json::object();
}

class Loader {
 public:
  Loader(storage::Session& s, const ResolverDeps& deps, std::string org)
      : s_(s), deps_(deps), org_(std::move(org)) {}

  json::object load(const resources::ResourceSpec& spec, std::string_view id) const {
    return deps_.service.load(s_, spec, org_, id);
  }

  // The assistant `member` (or a chat source) names: an id to load or an inline object.
  std::pair<json::object, std::string> assistant_of(const json::object& holder) {
    if (auto id = string_at(holder, "assistantId"); !id.empty())
      return {load(deps_.assistants, id), std::string(id)};
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
        if (id.is_string()) tools.push_back(load(deps_.tools, id.get_string()));
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
              assistants.push_back(resolve(load(deps_.assistants, id), std::string(id), {}));
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
      const auto secrets = deps_.service.secrets_of(s_, deps_.credentials, org_, credential_id);
      if (auto key = string_at(secrets, "apiKey"); !key.empty()) keys[provider] = key;
    }
    return keys;
  }

  // The credential of each remote speech provider the assistants' transcribers and voices
  // (their fallbackPlans' too) name: the first of the assistant's `credentialIds` of that
  // provider, else the org's newest credential of that provider. (The assistant's own
  // `credentials` are stored sealed and not used yet.) Each is the credential's
  // document (apiUrl, ...) with its secrets (apiKey) merged in. The built-in and custom engines
  // take none.
  std::map<std::string, json::object, std::less<>> speech_credentials_for(
      const std::vector<ResolvedAssistant>& assistants) {
    std::map<std::string, json::object, std::less<>> found;
    for (const auto& a : assistants) {
      auto add = [&](const json::value& config) {
        if (!config.is_object()) return;
        const std::string provider(string_at(config.get_object(), "provider"));
        if (provider.empty() || provider == "vapi" || provider.starts_with("custom-") ||
            found.count(provider))
          return;
        auto credential_id = listed_credential(a.assistant, provider);
        if (credential_id.empty()) credential_id = newest_credential(provider);
        if (!credential_id.empty()) found[provider] = credential_with_secrets(credential_id);
      };
      for (auto [part, fallbacks] :
           {std::pair{"transcriber", "transcribers"}, {"voice", "voices"}}) {
        const auto* config = object_at(a.assistant, part);
        if (!config) continue;
        add(*config);
        if (const auto* plan = object_at(*config, "fallbackPlan"))
          if (const auto* list = plan->if_contains(fallbacks); list && list->is_array())
            for (const auto& each : list->get_array()) add(each);
      }
    }
    return found;
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
  // The first of the assistant's `credentialIds` that is a credential of `provider`.
  std::string listed_credential(const json::object& assistant, std::string_view provider) {
    const auto* ids = array_at(assistant, "credentialIds");
    if (!ids) return "";
    for (const auto& id : *ids) {
      if (!id.is_string()) continue;
      auto record = s_.resources().find(deps_.credentials.kind, org_, ascii_lower(id.get_string()));
      if (record && string_at(json::parse(record->document).as_object(), "provider") == provider)
        return record->id;
    }
    return "";
  }
  // A credential's public document with its write-only fields merged in.
  json::object credential_with_secrets(std::string_view id) {
    json::object credential;
    if (auto record = s_.resources().find(deps_.credentials.kind, org_, ascii_lower(id)))
      credential = json::parse(record->document).as_object();
    for (auto& [key, value] : deps_.service.secrets_of(s_, deps_.credentials, org_, id))
      credential[key] = value;
    return credential;
  }
  std::string newest_credential(std::string_view provider) {
    if (provider.empty()) return "";
    storage::ResourceQuery query;
    query.limit = 1;
    query.fields.push_back({"provider",
                            storage::FieldFilter::Op::kEquals,
                            storage::FieldFilter::Type::kText,
                            {std::string(provider)}});
    const auto page = deps_.service.list(s_, deps_.credentials, org_, query);
    if (page.documents.empty()) return "";
    return std::string(string_at(json::parse(page.documents.front()).as_object(), "id"));
  }

  storage::Session& s_;
  const ResolverDeps& deps_;
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

// The assistants `holder` names: a squad's members (the first starts), or the one assistant.
std::vector<ResolvedAssistant> named_assistants(Loader& loader, const ResolverDeps& deps,
                                                const json::object& holder,
                                                const json::object& squad_overrides) {
  std::vector<ResolvedAssistant> assistants;
  json::object squad;
  std::string squad_id(string_at(holder, "squadId"));
  if (!squad_id.empty())
    squad = loader.load(deps.squads, squad_id);
  else if (const auto* inline_squad = object_at(holder, "squad"))
    squad = *inline_squad;
  if (const auto* members = array_at(squad, "members")) {
    const auto members_overrides = object_or_empty(squad, "membersOverrides");
    for (const auto& m : *members) {
      if (!m.is_object() || assistants.size() >= kMaxAssistants) continue;
      auto [assistant, id] = loader.assistant_of(m.get_object());
      assistant = apply_overrides(std::move(assistant),
                                  object_or_empty(m.get_object(), "assistantOverrides"));
      assistant = apply_overrides(std::move(assistant), members_overrides);
      if (!squad_overrides.empty())
        assistant = apply_overrides(std::move(assistant), squad_overrides);
      const auto* destinations = array_at(m.get_object(), "assistantDestinations");
      assistants.push_back(loader.resolve(std::move(assistant), std::move(id),
                                          destinations ? *destinations : json::array()));
    }
    if (assistants.empty()) throw ApiError::bad_request("The squad has no members");
  } else if (string_at(holder, "assistantId").size() || object_at(holder, "assistant")) {
    auto [assistant, id] = loader.assistant_of(holder);
    assistants.push_back(loader.resolve(std::move(assistant), std::move(id), {}));
  } else {
    throw ApiError::bad_request(
        "There is no assistant to run: the session or previous chat names no assistant or "
        "squad");
  }
  return assistants;
}

}  // namespace

ConversationSetup resolve_conversation(storage::Session& s, const ResolverDeps& deps,
                                       const std::string& org_id, const SetupRequest& request) {
  Loader loader(s, deps, org_id);
  ConversationSetup setup;
  auto& assistants = setup.assistants;
  assistants = named_assistants(loader, deps, *request.holder, request.squad_overrides);
  loader.add_handoff_targets(assistants);
  if (!request.start_with.empty())
    for (std::size_t i = 1; i < assistants.size(); ++i)
      if (assistants[i].id == request.start_with) std::swap(assistants[0], assistants[i]);
  // The starting assistant takes the overrides, then the later ones. Each set's variables
  // render the text it brings.
  const std::chrono::system_clock::time_point now{std::chrono::milliseconds(deps.clock.wall_ms())};
  auto& first = assistants.front().assistant;
  first = apply_overrides(std::move(first), request.overrides);
  auto variables = variables_of(request.squad_overrides);
  for (const auto& [k, v] : variables_of(request.overrides)) variables[k] = v;
  const auto vars = with_builtins(std::move(variables), now, request.customer);
  for (auto& a : assistants) render_assistant(a.assistant, vars);
  if (request.later_overrides) {
    first = apply_overrides(std::move(first), *request.later_overrides);
    auto later_vars = variables_of(request.overrides);
    for (const auto& [k, v] : variables_of(*request.later_overrides)) later_vars[k] = v;
    render_assistant(first, with_builtins(std::move(later_vars), now, request.customer));
  }
  assistants.front().tools = loader.tools_of(first);
  loader.add_handoff_targets(assistants);
  setup.keys = loader.keys_for(assistants);
  if (request.speech) setup.speech_credentials = loader.speech_credentials_for(assistants);
  return setup;
}

std::map<std::string, std::string> model_keys(storage::Session& s, const ResolverDeps& deps,
                                              const std::string& org_id,
                                              const std::vector<json::object>& models) {
  std::vector<ResolvedAssistant> holders;
  for (const auto& model : models)
    holders.push_back({json::object{{"model", model}}, {}, {}, "", ""});
  return Loader(s, deps, org_id).keys_for(holders);
}

}  // namespace sb::chat
