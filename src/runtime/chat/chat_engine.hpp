#pragma once
// The conversation engine: runs one chat turn as model rounds — stream the model's answer,
// run the tools it asks for, feed their results back, hand off to another assistant when it
// asks — until the model answers in text (or the round limit makes it). Independent of HTTP
// and storage: the chat API (and later the voice runtime) give it a resolved conversation and
// receive events and the result. Cancellable at any point through the handle run() returns.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/api_error.hpp"
#include "runtime/chat/call_control.hpp"
#include "runtime/chat/chat_setup.hpp"
#include "runtime/chat/model.hpp"
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
  /// The call the conversation runs in, which the model's call-control tools act on; null
  /// for a chat (those tools are then refused, as the tool runner always has).
  std::shared_ptr<CallControl> call_control;
  /// The access to a model's provider; throws ApiError when there is none (a provider this
  /// server does not speak, no key).
  std::function<ModelAccess(const ModelSetup&)> access;
  /// In a call: its speech providers' credentials (ConversationSetup::speech_credentials).
  std::map<std::string, boost::json::object, std::less<>> speech_credentials;
};

struct ChatResult {
  boost::json::array output;  ///< the messages this turn added: assistant, tool, assistant, ...
  boost::json::array costs;   ///< one ModelCost per provider+model, then the ChatCost
  std::size_t assistant = 0;  ///< index of the assistant that answered last
};

/// A turn that failed: what kind of failure (the API layer maps it to a status), a message
/// naming the cause, and the Vapi endedReason a call ends with because of it:
/// "pipeline-error-<provider>-llm-failed" when the model's provider failed (or, when it answered
/// 400/401/403/429/500/503, the enum's status-specific reason, e.g.
/// "pipeline-error-openai-401-unauthorized"),
/// "assistant-not-valid" when the assistant cannot run (no model, no key, unknown provider).
struct ChatFailure {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string ended_reason;
};

/// What the engine tells its host. Only on_delta and the three terminal events are required.
/// Events of one turn never overlap and none follows its terminal one; exactly one terminal
/// event (on_done, on_failure or on_cancelled) runs, once. They run on any thread (the
/// model's, the tools', the caller of run() or cancel()) with the turn's lock held: a callback
/// may call cancel() on its own turn, but must not wait for another thread that does.
struct ChatEvents {
  /// A text delta of output[output_index]; false cancels the turn, as cancel() does.
  std::function<bool(std::size_t output_index, std::string_view delta)> on_delta;
  /// The model asked for `call`; its result will be output[output_index].
  std::function<void(std::size_t output_index, const llm::ToolCall& call)> on_tool_started;
  /// The tool message output[output_index] is in (a result or "Error: ...").
  std::function<void(std::size_t output_index, const ToolOutcome& outcome)> on_tool_finished;
  /// Optional, after the round's on_tool_started events: the tools run once `go` is called
  /// (once, on any thread, even from inside this callback); a turn cancelled meanwhile
  /// ignores it. A call uses it to hold a tool until its blocking message has been said.
  std::function<void(std::function<void()> go)> before_tools;
  /// The conversation moves to assistants[to]; its next round answers.
  std::function<void(std::size_t from, std::size_t to)> on_handoff;
  std::function<void(ChatResult)> on_done;
  std::function<void(ChatFailure)> on_failure;
  /// The turn was cancelled; `partial` holds what it produced: the messages completed, then
  /// the text streamed so far as an assistant message (when there is any), and, when tools
  /// were running, a tool message "Error: cancelled" for each call without its result, so the
  /// output stays a conversation a model accepts.
  std::function<void(ChatResult partial)> on_cancelled;
};

/// A turn in flight.
class TurnHandle {
 public:
  virtual ~TurnHandle() = default;
  /// Stops the turn wherever it is — before the model's first byte, mid-stream, during tool
  /// calls, between rounds: the model exchange in flight is cancelled, the tool batch in
  /// flight is cut (Tools::run's CancelTools), no tool result is read and nothing new starts;
  /// on_cancelled then runs, on this thread, before cancel() returns. Does nothing once a terminal
  /// event has run. Any thread, idempotent.
  virtual void cancel() = 0;
};

class ChatEngine {
 public:
  /// Model rounds per turn; the last one offers no tools, so the model has to answer.
  static constexpr int kMaxRounds = 8;

  /// `model` and `tools` must outlive the engine and every turn in flight.
  ChatEngine(const Model& model, const Tools& tools) : model_(model), tools_(tools) {}
  /// Starts a turn. Never throws; events may run before run() returns. The handle may be
  /// dropped: the turn runs on without it.
  std::shared_ptr<TurnHandle> run(Conversation conversation, ChatEvents events) const;
  /// What runs the model's tools (a call's hooks run theirs with it too).
  const Tools& tools() const { return tools_; }
  /// The model it asks: its rounds, a host with tools of its own building an engine over it,
  /// post-call analysis asking the same providers.
  const Model& model() const { return model_; }

 private:
  struct Turn;
  void round(const std::shared_ptr<Turn>& turn) const;
  void answered(const std::shared_ptr<Turn>& turn, llm::Completion completion) const;
  void run_tools(const std::shared_ptr<Turn>& turn, std::vector<ToolInvocation> calls) const;
  void start_batch(const std::shared_ptr<Turn>& turn, std::vector<ToolInvocation> calls) const;
  void after_tools(const std::shared_ptr<Turn>& turn, std::vector<ToolOutcome> outcomes) const;

  const Model& model_;
  const Tools& tools_;
};

}  // namespace sb::chat
