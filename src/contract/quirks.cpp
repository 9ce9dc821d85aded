#include "contract/quirks.hpp"

#include <array>
#include <string_view>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"

// How each known quirk of the document is handled (see SPEC-QUIRKS.md). Tests: the effect on
// the real contract in tests/unit/contract/quirks_test.cpp, the general rules on a small
// contract in engine_test.cpp.
//
// General rules (normalize_schema, applied to every schema object):
//  R1 `type: object` + a string `enum` (BackoffPlan.type, TransferPlan.sipVerb,
//     AudioFormat.format, VoiceLibrary.provider) → a string enum.
//  R2 `type: array` + `enum` (serverMessages, clientMessages, …) → the enum constrains each
//     item; likewise a `format` on an array (query id lists) applies to each item.
//  R3 `enum: []` (NeuphonicVoice voiceId) → no constraint.
//  R4 a schema with oneOf/anyOf is governed by its branches: sibling type/enum/pattern/allOf
//     are summaries (VapiVoice.version's enum, the placeholder pattern
//     "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN" of InviteUserDTO.role, observabilityPlan's allOf).
//  R5 a oneOf discriminator whose mapping misses branches (POST /tool: CreateCodeToolDTO;
//     PATCH /tool/{id}: UpdateCodeToolDTO; assistant-speech `timing`) → the missing entries
//     are derived from each branch's own single-value enum on the discriminator property.
//  R6 `type: object` + `items` and no properties (TextInsight.formula) → object or array.
//  R7 `const` → a one-value enum; an enum without `type` gets the type of its values.
//  R8 minLength/maxLength on a non-string (PhoneNumberCallRingingHookFilter.startsWith, an
//     array) → ignored: class-validator's @MaxLength would reject every array, yet clients
//     send ["91"]. (compile.cpp reads lengths for strings only.)
// Rules of the validator (validator.cpp), listed here so they are in one list:
//  V1 oneOf without discriminator (voiceId, transcriber model, fallbackDestination, squad
//     member destinations that all say `type: "assistant"`) → valid when at least one branch
//     is; anyOf likewise.
//  V2 PATCH bodies (Update*PhoneNumberDTO) without the discriminator → the branch of
//     ValidateOptions::discriminator_default (the stored object's provider/type).
//  V3 unknown properties → "property X should not exist" (the document does not forbid them).
// Overrides of named schemas and operations: kOverrides and kOptionalParameters below.
// Kept as documented (not validation concerns): PhoneNumberHookCallEnding.do is one object;
// GET /v2/phone-number sortBy keeps duration/cost; credentials, secrets in responses and
// error shapes belong to the API layer.

namespace sb::contract {
namespace json = boost::json;
namespace {

enum class Action {
  kReplaceProperty,  // properties[property] = json
  kReplaceItems,     // properties[property].items = json
  kAddProperty,      // properties[property] = json, appended
  kNotRequired,      // drop `property` from required
  kOnlyRequired,     // required = [property]
};

struct Override {
  std::string_view schema;
  std::string_view property;
  Action action;
  std::string_view json;
};

constexpr std::string_view kSilenceTimeout = R"({"type":"number","minimum":5,"maximum":3600})";
constexpr std::string_view kStringOrObject = R"({"oneOf":[{"type":"string"},{"type":"object"}]})";

constexpr std::array kOverrides{
    // Status codes are numbers ([400, 401]), the document says objects.
    Override{"BackoffPlan", "excludedStatusCodes", Action::kReplaceItems, R"({"type":"number"})"},
    // Insight time ranges take date-time strings and relative expressions ("-7d").
    Override{"InsightTimeRange", "start", Action::kReplaceProperty, kStringOrObject},
    Override{"InsightTimeRange", "end", Action::kReplaceProperty, kStringOrObject},
    Override{"InsightTimeRangeWithStep", "start", Action::kReplaceProperty, kStringOrObject},
    Override{"InsightTimeRangeWithStep", "end", Action::kReplaceProperty, kStringOrObject},
    // Same shape of bug: a language code ("en") declared `type: object`.
    Override{"NeuphonicVoice", "language", Action::kReplaceProperty, kStringOrObject},
    Override{"FallbackNeuphonicVoice", "language", Action::kReplaceProperty, kStringOrObject},
    // PATCH /squad/{id} is a partial update.
    Override{"UpdateSquadDTO", "members", Action::kNotRequired, {}},
    // The openai client always sends `model` to POST /chat/responses.
    Override{"OpenAIResponsesRequest", "model", Action::kAddProperty, R"({"type":"string"})"},
    // Chat input messages: clients send OpenAI-style {role, content}.
    Override{"UserMessage", "content", Action::kAddProperty, R"({"type":"string"})"},
    Override{"UserMessage", "role", Action::kOnlyRequired, {}},
    Override{"SystemMessage", "content", Action::kAddProperty, R"({"type":"string"})"},
    Override{"SystemMessage", "role", Action::kOnlyRequired, {}},
    // Documented for assistants (call-timeout-settings.mdx) and sent by clients; the document
    // has it only on TransferAssistant, whose bounds (5 to 3600 s, default 30) it takes.
    Override{"CreateAssistantDTO", "silenceTimeoutSeconds", Action::kAddProperty, kSilenceTimeout},
    Override{"UpdateAssistantDTO", "silenceTimeoutSeconds", Action::kAddProperty, kSilenceTimeout},
    Override{"AssistantOverrides", "silenceTimeoutSeconds", Action::kAddProperty, kSilenceTimeout},
};

struct ParameterOverride {
  std::string_view path;
  std::string_view method;
  std::string_view name;
};

// Query parameters the document marks required but clients omit.
constexpr std::array kOptionalParameters{
    ParameterOverride{"/structured-output/{id}", "patch", "schemaOverride"},
};

void drop_required(json::object& schema, std::string_view name) {
  auto* req = schema.if_contains("required");
  if (!req || !req->is_array()) return;
  auto& arr = req->get_array();
  for (auto it = arr.begin(); it != arr.end();) {
    it = (it->is_string() && it->get_string() == name) ? arr.erase(it) : it + 1;
  }
}

void apply(json::object& schema, const Override& o) {
  auto* props = object_at(schema, "properties");
  if (!props) return;
  auto* prop = object_at(*props, o.property);
  switch (o.action) {
    case Action::kReplaceProperty:
      if (prop) *prop = json::parse(o.json).get_object();
      break;
    case Action::kReplaceItems:
      if (prop) (*prop)["items"] = json::parse(o.json);
      break;
    case Action::kAddProperty:
      if (!prop) (*props)[o.property] = json::parse(o.json);
      break;
    case Action::kNotRequired:
      drop_required(schema, o.property);
      break;
    case Action::kOnlyRequired:
      schema["required"] = json::array{json::string(o.property)};
      break;
  }
}

void apply_parameter(json::object& paths, const ParameterOverride& o) {
  auto* item = object_at(paths, o.path);
  auto* op = item ? object_at(*item, o.method) : nullptr;
  auto* params = op ? op->if_contains("parameters") : nullptr;
  if (!params || !params->is_array()) return;
  for (auto& p : params->get_array()) {
    auto* name = p.is_object() ? p.get_object().if_contains("name") : nullptr;
    if (name && name->is_string() && name->get_string() == o.name)
      p.get_object()["required"] = false;
  }
}

bool all_strings(const json::array& values) {
  for (const auto& v : values) {
    if (!v.is_string()) return false;
  }
  return !values.empty();
}

bool all_numbers(const json::array& values) {
  for (const auto& v : values) {
    if (!v.is_number()) return false;
  }
  return !values.empty();
}

// R1, R3, R7.
void normalize_enum(json::object& s) {
  if (auto* c = s.if_contains("const")) {
    s["enum"] = json::array{*c};
    s.erase("const");
  }
  auto* e = s.if_contains("enum");
  if (!e || !e->is_array()) return;
  const auto& values = e->get_array();
  if (values.empty()) {
    s.erase("enum");
    return;
  }
  auto type = string_at(s, "type");
  if ((type == "object" || type.empty()) && all_strings(values)) s["type"] = "string";
  if (type.empty() && all_numbers(values)) s["type"] = "number";
}

// R2: an enum or format on an array constrains its items.
void normalize_array(json::object& s) {
  if (string_at(s, "type") != "array") return;
  if (!s.contains("items") || !s["items"].is_object()) s["items"] = json::object{};
  auto& items = s["items"].get_object();
  for (std::string_view key : {"enum", "format"}) {
    auto* v = s.if_contains(key);
    if (!v) continue;
    if (!items.contains(key) && !items.contains("$ref")) items[key] = *v;
    s.erase(key);
  }
}

// R5: derive mapping entries from the branches' own single-value enums.
void derive_mapping(json::object& s, const json::object& schemas) {
  auto* disc = object_at(s, "discriminator");
  auto* branches = s.if_contains("oneOf");
  if (!disc || !branches || !branches->is_array() || !disc->contains("propertyName")) return;
  std::string_view property = (*disc)["propertyName"].as_string();
  if (!disc->contains("mapping")) (*disc)["mapping"] = json::object{};
  auto& mapping = (*disc)["mapping"].as_object();
  for (const auto& b : branches->get_array()) {
    auto* ref = b.is_object() ? b.get_object().if_contains("$ref") : nullptr;
    if (!ref || !ref->is_string()) continue;
    std::string_view target = ref->get_string();
    bool mapped = false;
    for (const auto& kv : mapping)
      mapped = mapped || (kv.value().is_string() && kv.value().get_string() == target);
    if (mapped) continue;
    auto name = target.substr(target.rfind('/') + 1);
    auto* named = schemas.if_contains(name);
    auto* props =
        named && named->is_object() ? named->get_object().if_contains("properties") : nullptr;
    auto* prop = props && props->is_object() ? props->get_object().if_contains(property) : nullptr;
    auto* e = prop && prop->is_object() ? prop->get_object().if_contains("enum") : nullptr;
    if (e && e->is_array() && e->get_array().size() == 1 && e->get_array()[0].is_string()) {
      std::string_view key = e->get_array()[0].get_string();
      if (!mapping.contains(key)) mapping[key] = *ref;
    }
  }
}

}  // namespace

void apply_overrides(json::object& contract) {
  if (auto* schemas = object_at(contract, "schemas")) {
    for (const auto& o : kOverrides) {
      if (auto* schema = object_at(*schemas, o.schema)) apply(*schema, o);
    }
  }
  if (auto* paths = object_at(contract, "paths")) {
    for (const auto& o : kOptionalParameters) apply_parameter(*paths, o);
  }
}

void normalize_schema(json::object& s, const json::object& schemas) {
  if (s.contains("oneOf") || s.contains("anyOf")) {  // R4
    for (std::string_view key : {"type", "enum", "pattern", "allOf", "format"}) s.erase(key);
    derive_mapping(s, schemas);
    return;
  }
  normalize_enum(s);
  if (string_at(s, "type") == "object" && s.contains("items") && !s.contains("properties")) {  // R6
    json::object array{{"type", "array"}, {"items", s["items"]}};
    s.erase("items");
    s.erase("type");
    s["oneOf"] = json::array{json::object{{"type", "object"}}, std::move(array)};
    return;
  }
  normalize_array(s);
}

}  // namespace sb::contract
