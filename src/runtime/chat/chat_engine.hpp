#pragma once
// The conversation engine: runs one chat turn as model rounds — stream the model's answer,
// run the tools it asks for, feed their results back, hand off to another assistant when it
// asks — until the model answers in text (or the round limit makes it). Independent of HTTP
// and storage: the chat API (and later the voice runtime) give it a resolved conversation and
// receive deltas and the result. Cancellable through on_delta.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/api_error.hpp"
#include "runtime/chat/chat_setup.hpp"
#include "runtime/chat/tool_runner.hpp"
#include "runtime/llm/llm_client.hpp"

namespace sb::chat {

/// One assistant the chat may run as, ready for its model.
struct ResolvedAssistant {
  boost::json::object assistant;          ///< overrides applied, templates rendered
  boost::json::array tools;               ///< model.tools plus the tools of model.toolIds
  boost::json::array squad_destinations;  ///< its squad membership's assistantDestinations
  std::string id;                         ///< its assistant id; "" for a transient assistant
  std::string name;                       ///< its name (squad members are handed off to by name)
};

/// Where a provider is and the key to use.
struct ModelAccess {
  std::string base_url;
  std::string api_key;
  std::chrono::milliseconds timeout{60'000};  ///< to the first byte, then between two
};

struct Conversation {
  std::string org_id;
  boost::json::object chat;  ///< {"id", "sessionId"?}: what tool messages say about the chat
  std::vector<ResolvedAssistant> assistants;  ///< [0] starts; the others are handoff targets
  boost::json::array history;                 ///< stored messages before this input
  boost::json::array input;                   ///< this turn's messages
  std::optional<boost::json::object> org_server;
  std::optional<boost::json::object> customer;
  /// The access to a model's provider; throws ApiError when there is none (a provider this
  /// server does not speak, no key).
  std::function<ModelAccess(const ModelSetup&)> access;
};

struct ChatResult {
  boost::json::array output;  ///< the messages this turn added: assistant, tool, assistant, ...
  boost::json::array costs;   ///< one ModelCost per provider+model, then the ChatCost
  std::size_t assistant = 0;  ///< index of the assistant that answered last
};

/// A turn that failed: what kind of failure (the API layer maps it to a status) and a message
/// naming the cause.
struct ChatFailure {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

struct ChatEvents {
  /// A text delta of output[output_index]; false cancels the turn.
  std::function<bool(std::size_t output_index, std::string_view delta)> on_delta;
  /// Exactly one of these runs, once, on any thread.
  std::function<void(ChatResult)> on_done;
  std::function<void(ChatFailure)> on_failure;
};

class ChatEngine {
 public:
  /// Model rounds per turn; the last one offers no tools, so the model has to answer.
  static constexpr int kMaxRounds = 8;

  ChatEngine(const llm::LlmClient& llm, const ToolRunner& tools) : llm_(llm), tools_(tools) {}
  /// Never throws.
  void run(Conversation conversation, ChatEvents events) const;

 private:
  struct Turn;
  void round(std::shared_ptr<Turn> turn) const;
  void answered(std::shared_ptr<Turn> turn, llm::Completion completion) const;
  void after_tools(std::shared_ptr<Turn> turn, std::vector<ToolOutcome> outcomes) const;

  const llm::LlmClient& llm_;
  const ToolRunner& tools_;
};

}  // namespace sb::chat
