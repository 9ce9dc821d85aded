#pragma once
// What a chat request names, loaded in one storage read: the session or previous chat it
// continues, and the assistant or squad it runs — which of the request, the session and the
// previous chat names it, with whose overrides — resolved by resolve_conversation
// (conversation_setup.hpp, shared with calls).

#include <map>
#include <string>

#include <boost/json/object.hpp>

#include "runtime/chat/chat_engine.hpp"

namespace sb::storage {
class Session;
}

namespace sb::chat {

struct ChatServiceDeps;

struct ChatContext {
  Conversation conversation;  ///< without `access` (set from `keys` by the service)
  /// The chat object so far: id, orgId, the request's fields, and `messages` (history+input).
  boost::json::object chat;
  std::string session_id;  ///< "" when the chat is in no session
  /// How many of chat["messages"] came from the session or previous chat (the rest are new:
  /// a greeting, then the input).
  std::size_t inherited = 0;
  std::map<std::string, std::string> keys;  ///< provider → the org's key for it
};

/// Throws ApiError: 404 for a session, chat, assistant, squad or tool that does not exist in
/// the org; 400 for a session that has expired or is completed, or a request without an
/// assistant to run.
ChatContext load_chat_context(storage::Session& s, const ChatServiceDeps& deps,
                              const std::string& org_id, const std::string& chat_id,
                              const boost::json::object& body);

/// Access to `setup`'s provider with the org's `keys` and the server's settings. Throws
/// ApiError (400) for a provider this server does not speak or that has no key.
ModelAccess model_access(const ModelSetup& setup, const std::map<std::string, std::string>& keys,
                         const llm::ProviderSettings& settings);

}  // namespace sb::chat
