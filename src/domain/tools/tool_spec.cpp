#include "domain/tools/tool_spec.hpp"

#include "domain/credentials/credential_spec.hpp"
#include "domain/files/file_spec.hpp"

namespace sb::tools {

std::vector<resources::ReferenceRule> tool_references(const std::string& prefix) {
  return {
      // apiRequest: "the credential ID for API request authentication"; code: the credential
      // holding the runner's API key. Neither names a type, so any credential of the org.
      credentials::credential_reference(prefix + "credentialId"),
      // Where the tool-calls webhook goes (function, code, mcp, bash, computer, textEditor)
      // and a handoff's dynamic destination: webhook credentials, as for every server.
      credentials::server_credential_reference(prefix + "server"),
      credentials::server_credential_reference(prefix + "destinations[].server"),
      // A query tool searches the files of its knowledge bases.
      {prefix + "knowledgeBases[].fileIds[]", files::kKind, {}},
  };
}

resources::ResourceSpec tool_spec() {
  resources::ResourceSpec spec;
  spec.kind = "tool";
  spec.noun = "Tool";
  // The stored type picks the Update*ToolDTO a PATCH is validated with; another type is a 400.
  spec.discriminator = "type";
  spec.references = tool_references("");
  return spec;
}

}  // namespace sb::tools
