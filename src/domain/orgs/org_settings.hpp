#pragma once
// The org as an API object (GET/PATCH /org/{id}) and the settings other parts of the server
// read from it: its `server`, the last in the precedence of where server messages go.
// `name` lives in the orgs table; every other field PATCH accepts is kept as given in the
// org's settings and echoed (only `server` has an effect).

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::storage {
class Session;
struct OrgRecord;
}  // namespace sb::storage

namespace sb::orgs {

/// The `Org` object: id, name, createdAt, updatedAt, then the stored settings.
boost::json::object org_document(const storage::OrgRecord& org);

/// The org's `server` when it has one with a url.
std::optional<boost::json::object> org_server(storage::Session& session, std::string_view org_id);

/// The org object; throws ApiError 404 "Org not found" when there is none.
boost::json::object find_org(storage::Session& session, std::string_view org_id);

/// Applies an UpdateOrgDTO (already checked by the contract) in a write job: each field
/// replaces the stored one, null removes it. A `server.credentialId` must name a webhook
/// credential of the org (400 otherwise). Returns the updated object; 404 as find_org.
boost::json::object update_org(storage::Session& session, std::string_view org_id,
                               const boost::json::object& patch);

}  // namespace sb::orgs
