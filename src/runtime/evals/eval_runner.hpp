#pragma once
// Eval runs (POST /eval/run): the run is stored `queued` and answered, then played off the
// request's thread through the chat engine — the eval's user and system messages fed in, its
// mocked assistant and tool messages put in the history as they are, and at each checkpoint
// (an assistant message with a judgePlan) the target's own next message generated (one model
// round: tool calls are judged, not run) and judged: exact, regex, or by an LLM judge with
// the plan's model and prompt. The run goes running → ended, its result and costs stored.
// A run deleted while it plays stops at its next step.

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "domain/evals/eval_judge.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/chat/conversation_setup.hpp"

namespace sb::storage {
class Store;
class Session;
}  // namespace sb::storage
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources

namespace sb::evals {

struct EvalRunnerDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& evals;
  const resources::ResourceSpec& runs;
  chat::ResolverDeps resolver;
  const chat::ChatEngine& engine;
  const llm::ProviderSettings& providers;
  std::function<std::optional<boost::json::object>(storage::Session&, std::string_view org_id)>
      org_server;
  const Clock& clock;
};

class EvalRunner {
 public:
  explicit EvalRunner(EvalRunnerDeps deps) : deps_(std::move(deps)) {}

  /// Stores a new run of `body` (a CreateEvalRunDTO the contract has checked) and calls
  /// `done` with it once durable, then plays it; or calls `done` with the error (an ApiError:
  /// 400 for a request that combines the wrong fields, 404 for an eval, assistant or squad
  /// that does not exist), storing nothing. `done` runs once, on any thread.
  void create(std::string org_id, boost::json::object body,
              std::function<void(std::exception_ptr, boost::json::object run)> done) const;

 private:
  struct Play;
  void start(std::shared_ptr<Play> play) const;
  void step(std::shared_ptr<Play> play) const;
  void checkpoint(std::shared_ptr<Play> play, const boost::json::object& message) const;
  void judge(std::shared_ptr<Play> play, const boost::json::object& message,
             boost::json::object answered) const;
  void ai_judge(std::shared_ptr<Play> play, const boost::json::object& plan,
                boost::json::array view, std::function<void(Verdict)> then) const;
  void tool_checkpoint(std::shared_ptr<Play> play, const boost::json::object& message) const;
  void judged(std::shared_ptr<Play> play, const boost::json::object& message,
              const boost::json::object& answered, bool pass, std::string failure) const;
  void finish(std::shared_ptr<Play> play, std::string ended_reason, std::string message) const;
  /// Applies `change` to the stored run; false (to `then`) when the run was deleted.
  void update(const std::shared_ptr<Play>& play, std::function<void(boost::json::object&)> change,
              std::function<void(bool)> then) const;

  EvalRunnerDeps deps_;
};

/// Adds to `keys` the org's key for the provider of `model` (a Vapi model object, e.g. a
/// judge's), found as for an assistant with that model; a provider already in `keys` keeps
/// its key. Throws ApiError as resolve_conversation does.
void add_model_keys(storage::Session& s, const chat::ResolverDeps& resolver,
                    const std::string& org_id, const boost::json::object& model,
                    std::map<std::string, std::string>& keys);

/// Runs one model turn of `conversation` and stops it at the model's first tool call (which
/// is not run): `done` gets the assistant message the model produced (OpenAI's format) and the
/// turn's costs, or the failure. Shared by evals and simulations.
void answer_once(const chat::ChatEngine& engine, chat::Conversation conversation,
                 std::function<void(std::optional<chat::ChatFailure>, boost::json::object message,
                                    boost::json::array costs)>
                     done);

}  // namespace sb::evals
