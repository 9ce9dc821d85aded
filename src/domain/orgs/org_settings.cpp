#include "domain/orgs/org_settings.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "storage/org_repository.hpp"
#include "storage/resource_repository.hpp"
#include "storage/store.hpp"

namespace sb::orgs {
namespace {

namespace json = boost::json;

json::object settings_of(const storage::OrgRecord& org) {
  boost::system::error_code ec;
  auto v = json::parse(org.settings, ec);
  return !ec && v.is_object() ? std::move(v.get_object()) : json::object{};
}

storage::OrgRecord find_or_throw(storage::Session& s, std::string_view org_id) {
  auto org = s.orgs().find_org(org_id);
  if (!org) throw ApiError::not_found("Org not found");
  return std::move(*org);
}

// A webhook's credential must be one of the org's that can sign a request.
void check_server_credential(storage::Session& s, std::string_view org_id,
                             const json::object& settings) {
  const auto* server = settings.if_contains("server");
  if (!server || !server->is_object()) return;
  const auto* id = server->get_object().if_contains("credentialId");
  if (!id || !id->is_string()) return;
  const std::string credential(id->get_string());
  auto found = s.resources().find(credentials::kKind, org_id, ascii_lower(credential));
  if (!found)
    throw ApiError::bad_request(
        "server.credentialId must be the id of an existing credential "
        "of this org (" +
        credential + " is not)");
  const auto doc = json::parse(found->document).as_object();
  const auto* provider = doc.if_contains("provider");
  const auto allowed = credentials::server_credential_providers();
  const std::string type = provider && provider->is_string() ? provider->as_string().c_str() : "";
  if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
    throw ApiError::bad_request(
        "server.credentialId must be the id of a custom-credential or "
        "webhook credential (" +
        credential + " is a credential of type " + type + ")");
}

}  // namespace

json::object org_document(const storage::OrgRecord& org) {
  json::object doc;
  doc["id"] = org.id;
  doc["name"] = org.name;
  doc["createdAt"] = format_iso8601(org.created_at);
  doc["updatedAt"] = format_iso8601(org.updated_at);
  for (auto& [key, value] : settings_of(org))
    if (!doc.contains(key)) doc[key] = value;
  return doc;
}

std::optional<json::object> org_server(storage::Session& s, std::string_view org_id) {
  auto org = s.orgs().find_org(org_id);
  if (!org) return std::nullopt;
  auto settings = settings_of(*org);
  auto* server = settings.if_contains("server");
  if (!server || !server->is_object()) return std::nullopt;
  const auto* url = server->get_object().if_contains("url");
  if (!url || !url->is_string() || url->get_string().empty()) return std::nullopt;
  return std::move(server->get_object());
}

json::object find_org(storage::Session& s, std::string_view org_id) {
  return org_document(find_or_throw(s, org_id));
}

json::object update_org(storage::Session& s, std::string_view org_id, const json::object& patch) {
  auto org = find_or_throw(s, org_id);
  auto settings = settings_of(org);
  for (const auto& [key, value] : patch) {
    if (key == "name") {
      if (value.is_string()) org.name = std::string(value.get_string());
      continue;
    }
    if (value.is_null())
      settings.erase(key);
    else
      settings[key] = value;
  }
  check_server_credential(s, org_id, settings);
  org.settings = json_text(settings);
  org.updated_at = std::max(now_ms(), org.updated_at + 1);
  s.orgs().update_org(org);
  return org_document(org);
}

}  // namespace sb::orgs
