#include "runtime/chat/chat_setup.hpp"

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "runtime/chat/call_control.hpp"

namespace sb::chat {
namespace json = boost::json;

namespace {

bool has(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && !v->is_null();
}

// A message's text: `content` as clients send it, else `message` as the document says.
json::value text_of(const json::object& message) {
  if (const auto* c = message.if_contains("content"); c && !c->is_null()) return *c;
  if (const auto* m = message.if_contains("message"); m && !m->is_null()) return *m;
  return json::value(nullptr);
}

// Function names the model sees: [a-zA-Z0-9_-]{1,64}, as OpenAI requires.
std::string function_name_for(std::string_view prefix, std::string_view label) {
  std::string name(prefix);
  for (char c : label) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    name.push_back(plain ? c : '_');
  }
  if (name.size() > 64) name.resize(64);
  return name;
}

json::object empty_parameters() {
  return {{"type", "object"}, {"properties", json::object()}};
}

json::object definition(std::string_view name, std::string_view description,
                        json::object parameters) {
  json::object function{{"name", name}, {"parameters", std::move(parameters)}};
  if (!description.empty()) function["description"] = description;
  return {{"type", "function"}, {"function", std::move(function)}};
}

std::string destination_label(const json::object& destination) {
  if (auto name = string_at(destination, "assistantName"); !name.empty()) return std::string(name);
  if (const auto* inline_assistant = object_at(destination, "assistant"))
    if (auto name = string_at(*inline_assistant, "name"); !name.empty()) return std::string(name);
  if (auto id = string_at(destination, "assistantId"); !id.empty()) return std::string(id);
  if (auto id = string_at(destination, "squadId"); !id.empty()) return std::string(id);
  return "assistant";
}

void add_handoff_tool(ToolSet& set, const json::object& tool) {
  const auto* destinations = array_at(tool, "destinations");
  if (!destinations || destinations->empty()) return;
  // A function of its own: one definition, the `destination` argument picks.
  if (const auto* function = object_at(tool, "function")) {
    if (auto name = string_at(*function, "name"); !name.empty()) {
      const auto* params = object_at(*function, "parameters");
      set.definitions.push_back(definition(name, string_at(*function, "description"),
                                           params ? *params : empty_parameters()));
      for (const auto& d : *destinations)
        if (d.is_object()) set.handoffs.push_back({std::string(name), d.get_object()});
      return;
    }
  }
  for (const auto& d : *destinations) {
    if (!d.is_object()) continue;
    const auto& destination = d.get_object();
    auto name = function_name_for("handoff_to_", destination_label(destination));
    set.definitions.push_back(
        definition(name, string_at(destination, "description"), empty_parameters()));
    set.handoffs.push_back({std::move(name), destination});
  }
}

json::object string_parameter(std::string_view name, std::string_view description) {
  return {{"type", "object"},
          {"properties",
           json::object{{name, json::object{{"type", "string"}, {"description", description}}}}},
          {"required", json::array{name}}};
}

// The function a call-control tool without one of its own offers the model, by type.
json::object call_control_definition(std::string_view type) {
  if (type == "endCall") return definition("endCall", "End the call", empty_parameters());
  if (type == "transferCall")
    return definition("transferCall", "Transfer the call",
                      string_parameter("destination", "the number or SIP URI to transfer to"));
  if (type == "dtmf")
    return definition("dtmf", "Press keys on the keypad (DTMF)",
                      string_parameter("keys", "the keys: 0-9, * and #; w pauses 0.5 s, W 1 s"));
  return definition("voicemail", "Leave a voicemail", empty_parameters());
}

void add_plain_tool(ToolSet& set, const json::object& tool, std::size_t index, bool call_tools) {
  const auto type = string_at(tool, "type");
  if (const auto* function = object_at(tool, "function")) {
    if (auto name = string_at(*function, "name"); !name.empty()) {
      const auto* params = object_at(*function, "parameters");
      set.definitions.push_back(definition(name, string_at(*function, "description"),
                                           params ? *params : empty_parameters()));
      set.tools.emplace_back(std::string(name), tool);
      return;
    }
  }
  if (type == "apiRequest") {
    std::string name(string_at(tool, "name"));
    if (name.empty()) name = "api_request_" + std::to_string(index + 1);
    const auto* body = object_at(tool, "body");
    set.definitions.push_back(
        definition(name, string_at(tool, "description"), body ? *body : empty_parameters()));
    set.tools.emplace_back(std::move(name), tool);
  }
  if (call_tools && is_call_control_tool(type)) {
    auto d = call_control_definition(type);
    std::string name(d.at("function").at("name").as_string());
    set.definitions.push_back(std::move(d));
    set.tools.emplace_back(std::move(name), tool);
  }
  // Other tools without a function definition have nothing to offer a text chat.
}

// A transferCall tool: its `assistant` destinations (Vapi's older way to move between squad
// members) are handoffs, each a function of its own; the numbers and SIP URIs stay with it.
void add_transfer_tool(ToolSet& set, const json::object& tool, std::size_t index, bool call_tools) {
  const auto* destinations = array_at(tool, "destinations");
  if (!destinations) return add_plain_tool(set, tool, index, call_tools);
  json::array phones, assistants;
  for (const auto& d : *destinations)
    (d.is_object() && string_at(d.get_object(), "type") == "assistant" ? assistants : phones)
        .push_back(d);
  if (!assistants.empty())
    add_handoff_tool(set, json::object{{"type", "handoff"}, {"destinations", assistants}});
  if (assistants.empty()) return add_plain_tool(set, tool, index, call_tools);
  if (phones.empty()) return;
  auto rest = tool;
  rest["destinations"] = std::move(phones);
  add_plain_tool(set, rest, index, call_tools);
}

}  // namespace

void check_chat_request(const json::object& body) {
  const bool session = has(body, "sessionId");
  const bool previous = has(body, "previousChatId");
  if (session && previous)
    throw ApiError::bad_request(
        "sessionId and previousChatId are mutually exclusive: continue a session or a chat, not "
        "both");
  int sources = 0;
  for (auto key : {"assistantId", "assistant", "squadId", "squad"}) sources += has(body, key);
  if (session && sources > 0)
    throw ApiError::bad_request(
        "A chat in a session uses the session's assistant or squad: do not send assistantId, "
        "assistant, squadId or squad with sessionId");
  if (sources > 1)
    throw ApiError::bad_request("Send only one of assistantId, assistant, squadId and squad");
  if (sources == 0 && !session && !previous)
    throw ApiError::bad_request(
        "A chat needs an assistant: send assistantId, assistant, squadId, squad, sessionId or "
        "previousChatId");
}

json::array input_messages(const json::value& input) {
  json::array out;
  if (input.is_string()) {
    if (input.get_string().empty()) throw ApiError::bad_request("input should not be empty");
    out.push_back(json::object{{"role", "user"}, {"content", input.get_string()}});
    return out;
  }
  if (!input.is_array() || input.get_array().empty())
    throw ApiError::bad_request("input should not be empty");
  for (const auto& item : input.get_array()) {
    if (!item.is_object()) continue;
    json::object message = item.get_object();
    if (!message.contains("content") && message.contains("message")) {
      message["content"] = message["message"];
      message.erase("message");
    }
    out.push_back(std::move(message));
  }
  return out;
}

json::array to_model_messages(const json::array& stored) {
  json::array out;
  for (const auto& item : stored) {
    if (!item.is_object()) continue;
    const auto& m = item.get_object();
    std::string role(string_at(m, "role"));
    if (role == "developer") role = "system";
    if (role == "bot") role = "assistant";
    json::object message{{"role", role}};
    message["content"] = text_of(m);
    if (const auto* calls = array_at(m, "tool_calls"); calls && !calls->empty())
      message["tool_calls"] = *calls;
    if (auto id = string_at(m, "tool_call_id"); !id.empty()) message["tool_call_id"] = id;
    if (role == "user" && message["content"].is_null()) message["content"] = "";
    out.push_back(std::move(message));
  }
  return out;
}

json::object apply_overrides(json::object assistant, const json::object& overrides) {
  for (const auto& [key, value] : overrides) {
    if (key == "variableValues") continue;
    auto* current = assistant.if_contains(key);
    if (current && current->is_object() && value.is_object())
      *current = apply_overrides(current->get_object(), value.get_object());
    else
      assistant[key] = value;
  }
  return assistant;
}

ModelSetup model_setup(const json::object& assistant) {
  const auto* model = object_at(assistant, "model");
  if (!model) throw ApiError::bad_request("The assistant has no model: set assistant.model");
  ModelSetup setup;
  setup.provider = string_at(*model, "provider");
  setup.model = string_at(*model, "model");
  if (setup.provider.empty())
    throw ApiError::bad_request("The assistant's model has no provider: set model.provider");
  if (setup.model.empty())
    throw ApiError::bad_request("The assistant's model has no model name: set model.model");
  setup.url = string_at(*model, "url");
  setup.credential_id = string_at(*model, "credentialId");
  if (const auto* messages = array_at(*model, "messages")) {
    for (const auto& m : to_model_messages(*messages))
      if (string_at(m.get_object(), "role") == "system") setup.system_messages.push_back(m);
  }
  if (const auto* t = model->if_contains("temperature"); t && t->is_number())
    setup.temperature = t->to_number<double>();
  if (const auto* n = model->if_contains("maxTokens"); n && n->is_number())
    setup.max_tokens = n->to_number<std::int64_t>();
  return setup;
}

std::optional<std::string> first_message(const json::object& assistant) {
  const auto text = string_at(assistant, "firstMessage");
  if (text.empty()) return std::nullopt;
  const auto mode = string_at(assistant, "firstMessageMode");
  if (!mode.empty() && mode != "assistant-speaks-first") return std::nullopt;
  return std::string(text);
}

const json::object* ToolSet::tool(std::string_view name) const {
  for (const auto& [n, t] : tools)
    if (n == name) return &t;
  return nullptr;
}

const HandoffTarget* ToolSet::handoff(std::string_view name, std::string_view arguments) const {
  std::string wanted;
  try {
    auto args = json::parse(arguments);
    if (args.is_object()) wanted = string_at(args.get_object(), "destination");
  } catch (...) {
  }
  const HandoffTarget* first = nullptr;
  for (const auto& h : handoffs) {
    if (h.function_name != name) continue;
    if (!first) first = &h;
    if (!wanted.empty() && (string_at(h.destination, "assistantName") == wanted ||
                            string_at(h.destination, "assistantId") == wanted))
      return &h;
  }
  return first;
}

ToolSet tool_set(const json::array& tools, const json::array& squad_destinations, bool call_tools) {
  ToolSet set;
  for (std::size_t i = 0; i < tools.size(); ++i) {
    if (!tools[i].is_object()) continue;
    const auto& tool = tools[i].get_object();
    if (string_at(tool, "type") == "handoff")
      add_handoff_tool(set, tool);
    else if (string_at(tool, "type") == "transferCall")
      add_transfer_tool(set, tool, i, call_tools);
    else
      add_plain_tool(set, tool, i, call_tools);
  }
  for (const auto& d : squad_destinations) {
    if (!d.is_object()) continue;
    json::object handoff{{"type", "handoff"}, {"destinations", json::array{d}}};
    add_handoff_tool(set, handoff);
  }
  return set;
}

}  // namespace sb::chat
