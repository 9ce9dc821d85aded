#include "domain/evals/eval_run.hpp"

#include <vector>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

int count_of(const json::object& o, std::initializer_list<std::string_view> keys) {
  int n = 0;
  for (auto k : keys) n += o.contains(k) ? 1 : 0;
  return n;
}

}  // namespace

void check_run_request(const json::object& body) {
  std::vector<std::string> errors;
  const int evals = count_of(body, {"evalId", "eval"});
  if (evals == 0) errors.push_back("evalId or eval must be provided");
  if (evals == 2) errors.push_back("evalId and eval cannot both be provided");
  if (const auto* target = object_at(body, "target")) {
    const bool squad = string_at(*target, "type") == "squad";
    const int n = squad ? count_of(*target, {"squadId", "squad"})
                        : count_of(*target, {"assistantId", "assistant"});
    const std::string which =
        squad ? "target.squadId or target.squad" : "target.assistantId or target.assistant";
    if (n != 1) errors.push_back("exactly one of " + which + " must be provided");
  }
  if (!errors.empty()) throw ApiError::bad_request(std::move(errors));
}

json::object target_holder(const json::object& target) {
  json::object holder;
  for (auto key : {"assistantId", "assistant", "squadId", "squad"})
    if (const auto* v = target.if_contains(key)) holder[key] = *v;
  return holder;
}

json::object new_run(std::string_view org_id, std::string_view id, const json::object& body,
                     EpochMs now) {
  const auto stamp = format_iso8601(now);
  json::object run{{"id", id},
                   {"orgId", org_id},
                   {"type", "eval"},
                   {"status", "queued"},
                   {"createdAt", stamp},
                   {"updatedAt", stamp},
                   {"results", json::array()},
                   {"cost", 0},
                   {"costs", json::array()}};
  for (auto key : {"evalId", "eval", "target"})
    if (const auto* v = body.if_contains(key)) run[key] = *v;
  return run;
}

void mark_running(json::object& run, EpochMs now) {
  run["status"] = "running";
  run["startedAt"] = format_iso8601(now);
}

void mark_ended(json::object& run, std::string_view ended_reason, std::string_view message,
                json::object result, json::array costs, EpochMs now) {
  const auto stamp = format_iso8601(now);
  run["status"] = "ended";
  run["endedReason"] = ended_reason;
  if (!message.empty()) run["endedMessage"] = message;
  if (!run.contains("startedAt")) run["startedAt"] = stamp;
  run["endedAt"] = stamp;
  result["endedAt"] = stamp;
  run["results"] = json::array{std::move(result)};
  run["costs"] = std::move(costs);
  run["cost"] = 0;  // prices are not known to this server; costs carry the tokens
}

bool is_evaluation(const json::object& message) {
  return message.contains("judgePlan");
}

json::object assistant_history_message(std::string_view content, const json::array* tool_calls,
                                       std::string_view id_prefix) {
  json::object message{{"role", "assistant"}};
  if (!content.empty() || !tool_calls || tool_calls->empty()) message["content"] = content;
  if (!tool_calls || tool_calls->empty()) return message;
  json::array calls;
  for (const auto& c : *tool_calls) {
    if (!c.is_object()) continue;
    const auto& call = c.get_object();
    const auto* arguments = call.if_contains("arguments");
    calls.push_back(json::object{
        {"id", std::string(id_prefix) + "_" + std::to_string(calls.size() + 1)},
        {"type", "function"},
        {"function", json::object{{"name", string_at(call, "name")},
                                  {"arguments", arguments ? json_text(*arguments) : "{}"}}}});
  }
  message["tool_calls"] = std::move(calls);
  return message;
}

json::object continued_message(const json::object& checkpoint, const json::object& answered,
                               std::string_view id_prefix) {
  const auto* plan = object_at(checkpoint, "continuePlan");
  if (!plan || (!plan->contains("contentOverride") && !plan->contains("toolCallsOverride")))
    return answered;
  const auto answer = answer_of(answered);
  const auto content = plan->contains("contentOverride") ? string_at(*plan, "contentOverride")
                                                         : std::string_view(answer.content);
  const auto* calls = plan->contains("toolCallsOverride") ? array_at(*plan, "toolCallsOverride")
                                                          : &answer.tool_calls;
  return assistant_history_message(content, calls, id_prefix);
}

json::object judged_message(const Answer& answer, const Verdict& verdict) {
  json::object message{{"role", "assistant"}, {"content", answer.content}};
  if (!answer.tool_calls.empty()) message["toolCalls"] = answer.tool_calls;
  json::object judge{{"status", verdict.pass ? "pass" : "fail"}};
  if (!verdict.pass) judge["failureReason"] = verdict.failure_reason;
  message["judge"] = std::move(judge);
  return message;
}

json::array judge_view(const json::array& result_messages) {
  json::array view;
  for (const auto& m : result_messages) {
    if (!m.is_object()) continue;
    const auto& message = m.get_object();
    json::object seen{{"role", string_at(message, "role")},
                      {"content", string_at(message, "content")}};
    if (const auto* calls = message.if_contains("toolCalls")) seen["toolCalls"] = *calls;
    view.push_back(std::move(seen));
  }
  return view;
}

void add_costs(json::array& costs, const json::array& turn_costs) {
  for (const auto& c : turn_costs) {
    if (!c.is_object() || string_at(c.get_object(), "type") != "model") continue;
    const auto& cost = c.get_object();
    const auto* model = cost.if_contains("model");
    bool merged = false;
    for (auto& existing : costs) {
      auto& e = existing.as_object();
      if (!model || e.at("model") != *model) continue;
      for (auto key : {"promptTokens", "completionTokens"})
        e[key] = int_at(e, key) + int_at(cost, key);
      merged = true;
      break;
    }
    if (!merged) costs.push_back(cost);
  }
}

}  // namespace sb::evals
