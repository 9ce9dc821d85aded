#pragma once
// The resolver chats and calls share: from an assistant or a squad (by id or inline), its
// overrides and their variables, to the conversation's assistants ready for their model —
// overrides applied, templates rendered, tools loaded (model.tools and model.toolIds), every
// assistant a handoff can reach, and the org's keys for their providers. One storage read.

#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "runtime/chat/chat_engine.hpp"

namespace sb::storage {
class Session;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources

namespace sb::chat {

struct ResolverDeps {
  const resources::ResourceService& service;
  const resources::ResourceSpec& assistants;
  const resources::ResourceSpec& squads;
  const resources::ResourceSpec& tools;
  const resources::ResourceSpec& credentials;
  /// The `now` templates render (the now/date/time built-ins and the date filter's "now").
  const Clock& clock = system_clock();
};

/// What to resolve.
struct SetupRequest {
  /// Holds one of assistantId / assistant / squadId / squad (a squad's first member starts).
  const boost::json::object* holder = nullptr;
  /// The starting assistant's assistantOverrides; their variableValues render every
  /// assistant's system messages and firstMessage.
  boost::json::object overrides;
  /// Overrides applied after `overrides` (a chat request continuing a session or a chat);
  /// their variables, over `overrides`' ones, render the starting assistant again.
  std::optional<boost::json::object> later_overrides;
  /// An assistant id to start with when it is among the assistants (where a continued chat
  /// was handed off to); "" for none.
  std::string start_with;
  /// The customer, for {{customer.*}} in templates; null when none.
  boost::json::value customer;
  /// Resolve the speech providers' credentials too (a call; a chat speaks none).
  bool speech = false;
  /// A call's squadOverrides: applied to every member of its squad after the squad's
  /// membersOverrides (and before `overrides`, which the starting member takes); their
  /// variableValues render every assistant, under `overrides`' ones.
  boost::json::object squad_overrides;
};

struct ConversationSetup {
  std::vector<ResolvedAssistant> assistants;  ///< [0] starts; the others are handoff targets
  std::map<std::string, std::string> keys;    ///< provider → the org's key for it
  /// Speech provider → the credential (document and secrets) a call uses for it.
  std::map<std::string, boost::json::object, std::less<>> speech_credentials;
};

/// Throws ApiError: 404 for an assistant, squad or tool that does not exist in the org; 400
/// for a squad without members, a member without an assistant, or no assistant to run.
ConversationSetup resolve_conversation(storage::Session& s, const ResolverDeps& deps,
                                       const std::string& org_id, const SetupRequest& request);

/// The org's key of each provider `models` (assistant-style `model` objects: provider,
/// credentialId) name, as resolve_conversation finds them: provider → key.
std::map<std::string, std::string> model_keys(storage::Session& s, const ResolverDeps& deps,
                                              const std::string& org_id,
                                              const std::vector<boost::json::object>& models);

}  // namespace sb::chat
