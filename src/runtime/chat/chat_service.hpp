#pragma once
// A chat from request to stored object: checks what the request combines, loads what it
// names (session, previous chat, assistant or squad, their tools, the org's provider keys)
// on a storage reader, runs the engine, and stores the chat — appending its messages to its
// session in the same write, so concurrent chats of one session never lose or interleave
// messages.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "runtime/chat/chat_engine.hpp"

namespace sb::storage {
class Store;
class Session;
}  // namespace sb::storage
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources

namespace sb::chat {

/// The resources a chat reads and writes.
struct ChatSpecs {
  const resources::ResourceSpec& assistants;
  const resources::ResourceSpec& squads;
  const resources::ResourceSpec& tools;
  const resources::ResourceSpec& credentials;
  const resources::ResourceSpec& chats;
  const resources::ResourceSpec& sessions;
};

struct ChatServiceDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  ChatSpecs specs;
  const ChatEngine& engine;
  const llm::ProviderSettings& providers;
  std::function<std::optional<boost::json::object>(storage::Session&, std::string_view org_id)>
      org_server;
  /// Stamps the stored chat and session, renders templates' `now`, expires sessions.
  const Clock& clock = system_clock();
};

struct ChatObserver {
  /// A text delta of the chat's output[output_index]; false cancels the chat.
  std::function<bool(std::size_t output_index, std::string_view delta)> on_delta;
  /// Exactly one of these runs, once, on any thread.
  std::function<void(boost::json::object chat)> on_done;  ///< the Chat as stored
  std::function<void(ChatFailure)> on_failure;
};

class ChatService {
 public:
  explicit ChatService(ChatServiceDeps deps) : deps_(std::move(deps)) {}

  /// Runs the chat `body` asks for (a CreateChatDTO the contract has checked) under the id
  /// `chat_id`. Never throws: a bad request reaches on_failure (4xx) like a provider's error.
  /// The handle cancels the chat wherever it is — loading (the model is never asked) or in
  /// its turn (ChatEngine's cancel: the upstream exchange is cut) — and on_failure then gets
  /// "cancelled", as when on_delta answers false; nothing once the turn has ended (the chat
  /// is then stored). It may be dropped.
  std::shared_ptr<TurnHandle> create(std::string org_id, std::string chat_id,
                                     boost::json::object body, ChatObserver observer) const;

 private:
  struct Run;
  void load(std::shared_ptr<Run> run) const;
  void start(std::shared_ptr<Run> run) const;
  void store(std::shared_ptr<Run> run, ChatResult result) const;

  ChatServiceDeps deps_;
};

}  // namespace sb::chat
