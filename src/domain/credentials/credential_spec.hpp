#pragma once
// Credentials on the generic resource engine: every credential type of Vapi's document (and
// Switchboard's Telnyx API-key credential), told apart by `provider`. Their secrets are
// write-only: accepted, sealed at rest, never returned or logged.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/resources/resource_spec.hpp"

namespace sb::credentials {

/// Storage kind of credentials, for reference rules of other resources ("credentialId").
inline constexpr const char* kKind = "credential";

/// The write-only fields of each credential type, by provider, as document paths. Types
/// without secrets (e.g. "email", the OAuth2 authorization ids) are absent.
const std::map<std::string, std::vector<std::string>, std::less<>>& secret_paths_by_provider();

/// The credential types a phone number of `phone_provider` may name in `credentialId`:
/// byo-phone-number → byo-sip-trunk, vonage → vonage, telnyx → telnyx; empty for providers
/// that take no credential.
std::vector<std::string> phone_number_credential_providers(std::string_view phone_provider);

/// The credential types a `server.credentialId` (webhook authentication) may name.
std::vector<std::string> server_credential_providers();

/// A reference at `path` to a credential of the org, of any type (an assistant's
/// `credentialIds[]`, a tool's `credentialId`).
resources::ReferenceRule credential_reference(std::string path);

/// The `credentialId` of the Server object at `server_path` ("server", "model.tools[].server"):
/// a credential of the org that authenticates webhooks (server_credential_providers()).
resources::ReferenceRule server_credential_reference(const std::string& server_path);

resources::ResourceSpec credential_spec();

}  // namespace sb::credentials
