#pragma once
// The rules of an eval run (POST /eval/run, CreateEvalRunDTO → EvalRun) that need no model:
// what a request must combine, the run document and its ends, and how the eval's mock
// messages enter the conversation the target sees. The eval runner
// (runtime/evals/eval_runner) plays the conversation with them.

#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "domain/evals/eval_judge.hpp"

namespace sb::evals {

/// Throws ApiError (400) unless the request names exactly one of evalId / eval, and its target
/// exactly one assistant (assistantId / assistant) or squad (squadId / squad).
void check_run_request(const boost::json::object& body);

/// What the target runs: {"assistantId"|"assistant"|"squadId"|"squad": ...}, for the resolver.
boost::json::object target_holder(const boost::json::object& target);

/// A new run, `queued`: the request's fields (evalId or eval, target, type) and the server's.
boost::json::object new_run(std::string_view org_id, std::string_view id,
                            const boost::json::object& body, EpochMs now);

/// The run `running`, from `now`.
void mark_running(boost::json::object& run, EpochMs now);

/// The run `ended` with `ended_reason` (an EvalRun endedReason); `message` becomes
/// endedMessage when the run did not end normally; the one EvalRunResult and the costs.
void mark_ended(boost::json::object& run, std::string_view ended_reason, std::string_view message,
                boost::json::object result, boost::json::array costs, EpochMs now);

/// Whether `message` (of an eval's `messages`) is a checkpoint: it has a judgePlan.
bool is_evaluation(const boost::json::object& message);

/// A ChatEvalAssistantMessageMock (or a continuePlan's override) as the assistant message the
/// conversation gets, OpenAI's format: tool calls get ids "<prefix>_<n>".
boost::json::object assistant_history_message(std::string_view content,
                                              const boost::json::array* tool_calls,
                                              std::string_view id_prefix);

/// The assistant message the conversation continues with after a checkpoint: the target's
/// own `answered`, or its content / tool calls replaced by the checkpoint's continuePlan.
boost::json::object continued_message(const boost::json::object& checkpoint,
                                      const boost::json::object& answered,
                                      std::string_view id_prefix);

/// A checkpoint's line in the result: the target's answer and the judge's verdict.
boost::json::object judged_message(const Answer& answer, const Verdict& verdict);

/// The conversation so far as the LLM judge's `{{messages}}`: {role, content, toolCalls?}.
boost::json::array judge_view(const boost::json::array& result_messages);

/// Merges the model costs of a turn (ChatResult::costs: "model" entries with tokens, then a
/// "chat" entry) into `costs`, one entry per provider+model.
void add_costs(boost::json::array& costs, const boost::json::array& turn_costs);

}  // namespace sb::evals
