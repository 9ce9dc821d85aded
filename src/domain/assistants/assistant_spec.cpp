#include "domain/assistants/assistant_spec.hpp"

#include <algorithm>

#include "domain/credentials/credential_spec.hpp"
#include "domain/tools/tool_spec.hpp"

namespace sb::assistants {

std::vector<resources::ReferenceRule> assistant_configuration_references(
    const std::string& prefix) {
  std::vector<resources::ReferenceRule> rules = {
      // Attached tools are loaded with the assistant, so they must exist when it is written.
      // Deleting a tool later leaves the id in place: at run time a missing tool is skipped.
      {prefix + "model.toolIds[]", "tool", {}},
      // The subset of the org's credentials the assistant's calls may use: any type.
      credentials::credential_reference(prefix + "credentialIds[]"),
  };
  // Every Server object of the configuration: the assistant's webhooks, a custom transcriber
  // or voice (and their fallbacks), a custom endpointing model, a custom knowledge base.
  for (const char* server :
       {"server", "transcriber.server", "transcriber.fallbackPlan.transcribers[].server",
        "voice.server", "voice.fallbackPlan.voices[].server",
        "compliancePlan.recordingConsentPlan.voice.server",
        "compliancePlan.recordingConsentPlan.voice.fallbackPlan.voices[].server",
        "startSpeakingPlan.smartEndpointingPlan.server", "model.knowledgeBase.server"})
    rules.push_back(credentials::server_credential_reference(prefix + server));
  // Inline tools follow the rules of saved ones.
  for (const auto& inline_tools : {prefix + "model.tools[].", prefix + "hooks[].do[].tool."})
    for (auto& rule : tools::tool_references(inline_tools)) rules.push_back(std::move(rule));
  return rules;
}

resources::ResourceSpec assistant_spec() {
  resources::ResourceSpec spec;
  spec.kind = "assistant";
  spec.noun = "Assistant";
  spec.references = assistant_configuration_references("");
  // Vapi reports whether a server URL secret is set; the current DTO has no way to set one
  // (webhook auth goes through server.credentialId), so it is always false.
  spec.create_defaults = {{"isServerUrlSecretSet", false}};
  // The assistant's own `credentials` (Vapi's dynamic credentials) carry provider keys: they are
  // write-only, kept sealed as a credential's are.
  for (const auto& [provider, paths] : credentials::secret_paths_by_provider())
    for (const auto& path : paths)
      if (auto p = "credentials[]." + path;
          std::find(spec.secret_paths.begin(), spec.secret_paths.end(), p) ==
          spec.secret_paths.end())
        spec.secret_paths.push_back(std::move(p));
  return spec;
}

}  // namespace sb::assistants
