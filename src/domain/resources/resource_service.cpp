#include "domain/resources/resource_service.hpp"

#include <algorithm>
#include <optional>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/resources/document_paths.hpp"
#include "storage/store.hpp"

namespace sb::resources {
namespace {

namespace json = boost::json;

void throw_if_any(std::vector<std::string> messages) {
  if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
}

std::string lower_first(std::string noun) {
  if (!noun.empty() && noun[0] >= 'A' && noun[0] <= 'Z') noun[0] = static_cast<char>(noun[0] + 32);
  return noun;
}

// "a", "a or b", "a, b or c".
std::string join_or(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

// A storage kind as prose: "phone-number" → "phone number".
std::string kind_words(std::string kind) {
  std::replace(kind.begin(), kind.end(), '-', ' ');
  return kind;
}

// The top-level property a rule's path starts at ("members[].assistantId" → "members").
std::string_view root_of(std::string_view path) {
  return path.substr(0, std::min(path.find('.'), path.find('[')));
}

}  // namespace

storage::ResourceRecord ResourceService::to_record(const ResourceSpec& spec,
                                                   const json::object& doc,
                                                   const json::object& secrets) const {
  storage::ResourceRecord r;
  r.kind = spec.kind;
  r.id = std::string(string_at(doc, "id"));
  r.org_id = std::string(string_at(doc, "orgId"));
  r.created_at = parse_iso8601(string_at(doc, "createdAt")).value_or(0);
  r.updated_at = parse_iso8601(string_at(doc, "updatedAt")).value_or(0);
  r.document = json_text(doc);
  if (!secrets.empty()) r.sealed_secrets = secrets_.seal(json_text(secrets));
  std::string search;
  for (const auto& field : spec.search_fields) {
    if (!search.empty()) search.push_back('\n');
    search += string_at(doc, field);
  }
  r.search_text = fold_case(search);
  return r;
}

void ResourceService::check_references(storage::Session& s, const ResourceSpec& spec,
                                       std::string_view org_id, const json::object& doc,
                                       const json::object* only_keys_of) const {
  std::vector<std::string> messages;
  for (const auto& rule : spec.references) {
    // A PATCH re-checks only what it writes: an id that dangles since its target was deleted
    // does not block unrelated changes (a missing target counts as unset at run time).
    if (only_keys_of && !only_keys_of->contains(root_of(rule.path))) continue;
    const auto allowed =
        rule.allowed_providers ? rule.allowed_providers(doc) : std::vector<std::string>{};
    for_each_at(doc, rule.path, [&](const std::string& where, const json::value& v) {
      if (!v.is_string()) return;
      const std::string_view id = v.get_string();
      // Read, not locked: a reference is checked once, as a later delete of its target would
      // leave it dangling anyway (and writers referring to one credential stay concurrent).
      auto target = s.resources().find_unlocked(rule.target_kind, org_id, ascii_lower(id));
      if (!target) {
        messages.push_back(where + " must be the id of an existing " +
                           kind_words(rule.target_kind) + " of this org (" + std::string(id) +
                           " is not)");
        return;
      }
      if (allowed.empty()) return;
      const auto stored = json::parse(target->document).as_object();
      const std::string provider(string_at(stored, "provider"));
      if (std::find(allowed.begin(), allowed.end(), provider) == allowed.end())
        messages.push_back(where + " must be the id of a " + join_or(allowed) + " credential (" +
                           std::string(id) + " is a credential of type " + provider + ")");
    });
  }
  throw_if_any(std::move(messages));
}

void ResourceService::write_keys(storage::Session& s, const ResourceSpec& spec,
                                 const storage::ResourceRecord& record,
                                 const std::vector<storage::UniqueKey>& held,
                                 const json::object& doc) const {
  if (!spec.unique_keys) return;
  const auto wanted = spec.unique_keys(doc);
  if (auto taken = s.resources().claim_keys(spec.kind, record.org_id, record.id, held, wanted))
    throw ApiError::bad_request(spec.key_taken_message
                                    ? spec.key_taken_message(*taken)
                                    : taken->name + " " + taken->value + " is already taken");
}

std::vector<storage::UniqueKey> ResourceService::keys_of(const ResourceSpec& spec,
                                                         const json::object& doc) const {
  return spec.unique_keys ? spec.unique_keys(doc) : std::vector<storage::UniqueKey>{};
}

Written ResourceService::create(storage::Session& s, const ResourceSpec& spec,
                                std::string_view org_id, json::object body) const {
  if (spec.shape_body) spec.shape_body(body, nullptr);
  json::object secrets = take_at(body, spec.secret_paths);
  if (spec.check) throw_if_any(spec.check(body));
  check_references(s, spec, org_id, body, nullptr);
  if (spec.on_create) spec.on_create(s, org_id, body);
  const std::string now = format_iso8601(clock_.wall_ms());
  body["id"] = new_uuid();
  body["orgId"] = org_id;
  body["createdAt"] = now;
  body["updatedAt"] = now;
  for (const auto& [key, value] : spec.create_defaults)
    if (!body.contains(key)) body[key] = value;
  auto record = to_record(spec, body, secrets);
  s.resources().insert(record);
  write_keys(s, spec, record, {}, body);
  if (spec.on_written) spec.on_written(s, Change::kCreated, body);
  return {std::move(record.id), std::move(record.document)};
}

Written ResourceService::insert_document(storage::Session& s, const ResourceSpec& spec,
                                         const json::object& document,
                                         const json::object& secrets) const {
  auto record = to_record(spec, document, secrets);
  s.resources().insert(record);
  if (spec.on_written) spec.on_written(s, Change::kCreated, document);
  return {std::move(record.id), std::move(record.document)};
}

Written ResourceService::replace_document(storage::Session& s, const ResourceSpec& spec,
                                          json::object document) const {
  const auto stored =
      find_or_throw(s, spec, string_at(document, "orgId"), string_at(document, "id"));
  document["createdAt"] = format_iso8601(stored.created_at);
  const auto updated = parse_iso8601(string_at(document, "updatedAt")).value_or(0);
  document["updatedAt"] = format_iso8601(std::max(updated, stored.updated_at + 1));
  auto record = to_record(spec, document, {});
  s.resources().update(record);
  if (spec.on_written) spec.on_written(s, Change::kUpdated, document);
  if (spec.on_changed) spec.on_changed(s, json::parse(stored.document).as_object(), document);
  return {std::move(record.id), std::move(record.document)};
}

storage::ResourceRecord ResourceService::find_or_throw(storage::Session& s,
                                                       const ResourceSpec& spec,
                                                       std::string_view org_id,
                                                       std::string_view id) const {
  auto found = s.resources().find(spec.kind, org_id, id);
  if (!found) throw ApiError::not_found(spec.noun + " not found");
  return std::move(*found);
}

std::string ResourceService::get(storage::Session& s, const ResourceSpec& spec,
                                 std::string_view org_id, std::string_view id) const {
  return find_or_throw(s, spec, org_id, id).document;
}

json::object ResourceService::load(storage::Session& s, const ResourceSpec& spec,
                                   std::string_view org_id, std::string_view id) const {
  return json::parse(find_or_throw(s, spec, org_id, id).document).as_object();
}

Written ResourceService::update(storage::Session& s, const ResourceSpec& spec,
                                std::string_view org_id, std::string_view id,
                                json::object patch) const {
  auto stored = find_or_throw(s, spec, org_id, id);
  json::object document = json::parse(stored.document).as_object();
  std::optional<json::object> before;
  if (spec.on_changed) before = document;
  const auto held = keys_of(spec, document);
  if (spec.shape_body) spec.shape_body(patch, &document);
  if (!spec.discriminator.empty()) {
    const auto sent = string_at(patch, spec.discriminator);
    const auto kept = string_at(document, spec.discriminator);
    if (!sent.empty() && sent != kept)
      throw ApiError::bad_request(spec.discriminator + " cannot be changed: this " +
                                  lower_first(spec.noun) + " is " + std::string(kept) + ", not " +
                                  std::string(sent));
  }
  json::object secrets;
  if (!stored.sealed_secrets.empty())
    secrets = json::parse(secrets_.open(stored.sealed_secrets)).as_object();
  const json::object patch_secrets = take_at(patch, spec.secret_paths);
  apply_patch(document, secrets, patch, patch_secrets);
  if (spec.check) throw_if_any(spec.check(document));
  check_references(s, spec, org_id, document, &patch);
  // Server-set fields are not writable through PATCH (the contract rejects them), but keep
  // them authoritative regardless. updatedAt always moves forward.
  document["id"] = stored.id;
  document["orgId"] = stored.org_id;
  document["createdAt"] = format_iso8601(stored.created_at);
  document["updatedAt"] = format_iso8601(std::max(clock_.wall_ms(), stored.updated_at + 1));
  auto record = to_record(spec, document, secrets);
  s.resources().update(record);
  write_keys(s, spec, record, held, document);
  if (spec.on_written) spec.on_written(s, Change::kUpdated, document);
  if (before) spec.on_changed(s, *before, document);
  return {std::move(record.id), std::move(record.document)};
}

Written ResourceService::remove(storage::Session& s, const ResourceSpec& spec,
                                std::string_view org_id, std::string_view id) const {
  auto stored = find_or_throw(s, spec, org_id, id);
  const auto document = json::parse(stored.document).as_object();
  s.resources().remove(spec.kind, org_id, id, keys_of(spec, document));
  if (spec.on_remove) spec.on_remove(s, document);
  if (spec.on_written) spec.on_written(s, Change::kRemoved, document);
  return {std::move(stored.id), std::move(stored.document)};
}

storage::DocumentPage ResourceService::list(storage::Session& s, const ResourceSpec& spec,
                                            std::string_view org_id,
                                            const storage::ResourceQuery& query) const {
  return s.resources().list(spec.kind, org_id, query);
}

json::object ResourceService::secrets_of(storage::Session& s, const ResourceSpec& spec,
                                         std::string_view org_id, std::string_view id) const {
  auto stored = find_or_throw(s, spec, org_id, id);
  if (stored.sealed_secrets.empty()) return {};
  return json::parse(secrets_.open(stored.sealed_secrets)).as_object();
}

}  // namespace sb::resources
