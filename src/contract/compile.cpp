#include "contract/compile.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "contract/formats.hpp"
#include "contract/quirks.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"

namespace sb::contract {
namespace json = boost::json;
namespace {

constexpr std::string_view kRefPrefix = "#/components/schemas/";

bool number_at(const json::object& s, std::string_view key, double& out) {
  const auto* v = s.if_contains(key);
  if (!v || !v->is_number()) return false;
  out = v->to_number<double>();
  return true;
}

std::uint32_t count_at(const json::object& s, std::string_view key, std::uint32_t fallback) {
  double d = 0;
  if (!number_at(s, key, d) || d < 0) return fallback;
  return d >= static_cast<double>(kUnbounded) ? kUnbounded : static_cast<std::uint32_t>(d);
}

Format format_of(std::string_view f) {
  if (f == "date-time") return Format::kDateTime;
  if (f == "uuid") return Format::kUuid;
  if (f == "uri" || f == "url") return Format::kUri;
  return Format::kNone;  // binary and unknown formats: no constraint
}

// A schema with no sub-schemas: identical leaves share one node.
bool is_leaf(const json::object& s) {
  for (std::string_view key :
       {"$ref", "properties", "items", "allOf", "oneOf", "anyOf", "additionalProperties"}) {
    if (s.contains(key)) return false;
  }
  return true;
}

bool single_ref_allof(const json::object& s) {
  const auto* all = s.if_contains("allOf");
  return all && all->is_array() && all->get_array().size() == 1 && !s.contains("properties") &&
         !s.contains("type");
}

}  // namespace

Compiler::Compiler(Arena& arena, json::object& schemas) : arena_(arena), schemas_(schemas) {}

void Compiler::declare() {
  for (auto& kv : schemas_) arena_.named.emplace(std::string(kv.key()), arena_.make());
}

void Compiler::define() {
  for (auto& kv : schemas_) {
    if (!kv.value().is_object()) continue;
    auto& s = kv.value().get_object();
    normalize_schema(s, schemas_);
    fill(*arena_.named.find(std::string_view(kv.key()))->second, s);
  }
}

const Schema* Compiler::any() {
  if (!any_) any_ = arena_.make();
  return any_;
}

const Schema* Compiler::compile(json::value& v) {
  if (!v.is_object()) return any();  // `true` / `false` schemas
  auto& s = v.get_object();
  normalize_schema(s, schemas_);
  return compile_object(s);
}

const Schema* Compiler::compile_object(json::object& s) {
  const bool nullable = bool_at(s, "nullable");
  const Schema* direct = nullptr;
  if (s.contains("$ref")) {
    direct = ref(string_at(s, "$ref"));
  } else if (single_ref_allof(s) && !s.contains("oneOf") && !s.contains("anyOf")) {
    direct = compile(s["allOf"].get_array()[0]);
  }
  if (direct) {
    if (!nullable) return direct;
    Schema* alias = arena_.make();
    alias->kind = Kind::kAlias;
    alias->nullable = true;
    alias->target = direct;
    return alias;
  }
  if (!is_leaf(s)) {
    Schema* node = arena_.make();
    fill(*node, s);
    return node;
  }
  auto [it, inserted] = leaves_.try_emplace(json_text(s), nullptr);
  if (inserted) {
    Schema* node = arena_.make();
    fill(*node, s);
    it->second = node;
  }
  return it->second;
}

const Schema* Compiler::ref(std::string_view r) const {
  if (r.substr(0, kRefPrefix.size()) == kRefPrefix) {
    auto it = arena_.named.find(r.substr(kRefPrefix.size()));
    if (it != arena_.named.end()) return it->second;
  }
  throw std::runtime_error("contract: unresolved $ref " + std::string(r));
}

void Compiler::fill(Schema& node, json::object& s) {
  node.nullable = bool_at(s, "nullable");
  if (s.contains("oneOf") || s.contains("anyOf")) return fill_union(node, s);
  if (s.contains("$ref") || single_ref_allof(s)) {
    node.kind = Kind::kAlias;
    node.target =
        s.contains("$ref") ? ref(string_at(s, "$ref")) : compile(s["allOf"].as_array()[0]);
    return;
  }
  if (auto* all = s.if_contains("allOf"); all && all->is_array()) {
    // Properties of every part, merged in link() once the parts are filled.
    Merge m{&node, {}};
    for (auto& part : all->get_array()) m.parts.push_back(compile(part));
    if (s.contains("properties")) {
      Schema* own = arena_.make();
      fill_object(*own, s);
      m.parts.push_back(own);
    }
    node.kind = Kind::kObject;
    merges_.push_back(std::move(m));
    return;
  }
  fill_typed(node, s);
}

void Compiler::fill_union(Schema& node, json::object& s) {
  const bool any_of = !s.contains("oneOf");
  node.kind = any_of ? Kind::kAnyOf : Kind::kOneOf;
  for (auto& branch : s[any_of ? "anyOf" : "oneOf"].as_array()) {
    node.branches.push_back(compile(branch));
  }
  if (auto* d = s.if_contains("discriminator"); d && d->is_object() && !any_of) {
    fill_discriminator(node, d->get_object());
  }
}

void Compiler::fill_discriminator(Schema& node, const json::object& d) {
  auto disc = std::make_unique<Discriminator>();
  disc->property = std::string(string_at(d, "propertyName"));
  if (const auto* mapping = d.if_contains("mapping"); mapping && mapping->is_object()) {
    for (const auto& kv : mapping->get_object()) {
      if (!kv.value().is_string()) continue;
      disc->mapping.emplace_back(std::string(kv.key()), ref(kv.value().get_string()));
      if (!disc->listing.empty()) disc->listing += ", ";
      disc->listing.append(kv.key());
    }
  }
  if (!disc->property.empty()) node.discriminator = std::move(disc);
}

void Compiler::fill_typed(Schema& node, json::object& s) {
  std::string_view type = string_at(s, "type");
  if (type.empty()) type = s.contains("properties") ? "object" : s.contains("items") ? "array" : "";
  if (type == "string") {
    node.kind = Kind::kString;
    node.min_length = count_at(s, "minLength", 0);
    node.max_length = count_at(s, "maxLength", kUnbounded);
    node.format = format_of(string_at(s, "format"));
    if (auto p = string_at(s, "pattern"); !p.empty()) node.pattern = pattern(p);
  } else if (type == "number" || type == "integer") {
    node.kind = type == "number" ? Kind::kNumber : Kind::kInteger;
    node.has_minimum = number_at(s, "minimum", node.minimum);
    node.has_maximum = number_at(s, "maximum", node.maximum);
  } else if (type == "boolean") {
    node.kind = Kind::kBoolean;
  } else if (type == "null") {
    node.kind = Kind::kNull;
  } else if (type == "array") {
    node.kind = Kind::kArray;
    node.items = s.contains("items") ? compile(s["items"]) : any();
    node.min_items = count_at(s, "minItems", 0);
    node.max_items = count_at(s, "maxItems", kUnbounded);
  } else if (type == "object") {
    fill_object(node, s);
  }
  if (const auto* e = s.if_contains("enum"); e && e->is_array() && !e->get_array().empty()) {
    node.enumeration = enumeration(*e);
  }
}

void Compiler::fill_object(Schema& node, json::object& s) {
  auto* props = s.if_contains("properties");
  if (!props || !props->is_object()) {
    node.kind = Kind::kMap;
    return;
  }
  node.kind = Kind::kObject;
  for (auto& kv : props->get_object()) {
    node.properties.push_back(Property{std::string(kv.key()), compile(kv.value()), false});
  }
  if (const auto* req = s.if_contains("required"); req && req->is_array()) {
    for (const auto& name : req->get_array()) {
      for (auto& p : node.properties) {
        if (name.is_string() && p.name == std::string_view(name.get_string())) p.required = true;
      }
    }
  }
  const auto* extra = s.if_contains("additionalProperties");
  node.open = extra && !(extra->is_bool() && !extra->get_bool());
}

const EnumValues* Compiler::enumeration(const json::value& values) {
  auto& e = arena_.enums.emplace_back();
  for (const auto& v : values.get_array()) {
    if (!e.listing.empty()) e.listing += ", ";
    if (v.is_string()) {
      e.strings.emplace_back(v.get_string());
      e.listing += e.strings.back();
    } else if (v.is_number()) {
      e.numbers.push_back(v.to_number<double>());
      e.listing += js_number(e.numbers.back());
    } else {
      e.listing += json_text(v);
    }
  }
  e.sorted.resize(e.strings.size());
  for (std::uint32_t i = 0; i < e.sorted.size(); ++i) e.sorted[i] = i;
  std::sort(e.sorted.begin(), e.sorted.end(),
            [&](std::uint32_t a, std::uint32_t b) { return e.strings[a] < e.strings[b]; });
  return &e;
}

const Pattern* Compiler::pattern(std::string_view text) {
  std::string_view body = text;
  std::string_view flags;
  std::string literal;
  if (auto last = text.rfind('/'); text.size() >= 2 && text[0] == '/' && last > 0) {
    body = text.substr(1, last - 1);
    flags = text.substr(last + 1);
    literal = std::string(text);
  } else {
    literal.append("/").append(text).append("/");  // (operator+ trips GCC 12's -Wrestrict)
  }
  // std::regex has no Unicode property escapes (\p{L}): such patterns are not enforced.
  if (body.find("\\p{") != std::string_view::npos || body.find("\\P{") != std::string_view::npos ||
      flags.find_first_not_of("gimsuy") != std::string_view::npos) {
    unsupported_.emplace_back(text);
    return nullptr;
  }
  auto options = std::regex::ECMAScript;
  if (flags.find('i') != std::string_view::npos) options |= std::regex::icase;
  try {
    return &arena_.patterns.emplace_back(Pattern{std::regex(std::string(body), options), literal});
  } catch (const std::regex_error&) {
    unsupported_.emplace_back(text);
    return nullptr;
  }
}

}  // namespace sb::contract
