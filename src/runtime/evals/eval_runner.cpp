#include "runtime/evals/eval_runner.hpp"

#include <algorithm>
#include <mutex>

#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/evals/eval_run.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_context.hpp"
#include "runtime/chat/template.hpp"
#include "storage/store.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

// One answer_once turn: its handle (to cut it at the first tool call) and whether it has
// reported. The handle is dropped once it has, so the turn and this do not hold each other.
struct Once {
  std::mutex mutex;
  std::shared_ptr<chat::TurnHandle> handle;
  bool cut = false;
  bool reported = false;
  std::function<void(std::optional<chat::ChatFailure>, json::object, json::array)> done;

  void report(std::optional<chat::ChatFailure> failure, json::object message, json::array costs) {
    {
      std::lock_guard lock(mutex);
      if (reported) return;
      reported = true;
      handle.reset();
    }
    done(std::move(failure), std::move(message), std::move(costs));
  }
};

// The last assistant message of a turn's output.
json::object last_assistant(const json::array& output) {
  for (auto it = output.rbegin(); it != output.rend(); ++it)
    if (it->is_object() && string_at(it->get_object(), "role") == "assistant")
      return it->get_object();
  return {{"role", "assistant"}, {"content", ""}};
}

std::vector<std::string> call_ids(const json::object& assistant_message) {
  std::vector<std::string> ids;
  if (const auto* calls = array_at(assistant_message, "tool_calls"))
    for (const auto& c : *calls)
      if (c.is_object()) ids.emplace_back(string_at(c.get_object(), "id"));
  return ids;
}

}  // namespace

void add_model_keys(storage::Session& s, const chat::ResolverDeps& resolver,
                    const std::string& org_id, const json::object& model,
                    std::map<std::string, std::string>& keys) {
  const json::object holder{{"assistant", json::object{{"model", model}}}};
  chat::SetupRequest request;
  request.holder = &holder;
  for (auto& [provider, key] : chat::resolve_conversation(s, resolver, org_id, request).keys)
    keys.emplace(provider, key);
}

void answer_once(
    const chat::ChatEngine& engine, chat::Conversation conversation,
    std::function<void(std::optional<chat::ChatFailure>, json::object, json::array)> done) {
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
  chat::ChatEvents events;
  events.on_delta = [](std::size_t, std::string_view) { return true; };
  events.on_tool_started = [once](std::size_t, const llm::ToolCall&) {
    std::shared_ptr<chat::TurnHandle> handle;
    {
      std::lock_guard lock(once->mutex);
      if (once->cut) return;
      once->cut = true;
      handle = once->handle;
    }
    if (handle) handle->cancel();
  };
  // The calls are the answer, not work to do: they never run.
  events.before_tools = [](std::function<void()>) {};
  events.on_done = [once](chat::ChatResult result) {
    once->report(std::nullopt, last_assistant(result.output), std::move(result.costs));
  };
  events.on_failure = [once](chat::ChatFailure failure) {
    once->report(std::move(failure), {}, {});
  };
  events.on_cancelled = [once](chat::ChatResult partial) {
    once->report(std::nullopt, last_assistant(partial.output), std::move(partial.costs));
  };
  auto handle = engine.run(std::move(conversation), std::move(events));
  {
    std::lock_guard lock(once->mutex);
    if (once->reported) return;
    once->handle = handle;
    if (!once->cut) return;
  }
  handle->cancel();  // cut at a tool call before the handle was known
}

// A run being played: the eval's messages, where it is in them, the conversation so far
// (OpenAI's format) and the result's messages.
struct EvalRunner::Play {
  std::string org_id;
  std::string run_id;
  json::object body;
  json::object run;  // as created
  json::array messages;
  std::size_t next = 0;
  std::vector<chat::ResolvedAssistant> assistants;
  std::map<std::string, std::string> keys;
  std::optional<json::object> org_server;
  json::array history;
  json::array results;
  std::vector<std::string> pending_calls;  // tool call ids awaiting a mocked tool response
  json::array costs;
  bool passed = true;
  std::string started_at;
  std::mutex mutex;
  bool finished = false;
};

void EvalRunner::create(std::string org_id, json::object body,
                        std::function<void(std::exception_ptr, json::object)> done) const {
  try {
    check_run_request(body);
  } catch (...) {
    return done(std::current_exception(), {});
  }
  auto play = std::make_shared<Play>();
  play->org_id = std::move(org_id);
  play->run_id = new_uuid();
  play->body = std::move(body);
  deps_.store.post_write(
      [this, play](storage::Session& s) {
        const auto& body = play->body;
        const auto eval = body.contains("evalId")
                              ? deps_.service.load(s, deps_.evals, play->org_id,
                                                   ascii_lower(string_at(body, "evalId")))
                              : body.at("eval").as_object();
        play->messages = eval.at("messages").as_array();
        // The target and every judge's model are resolved now: a missing one is this
        // request's 404, and their providers' keys are read once.
        const auto& target = body.at("target").as_object();
        const auto holder = target_holder(target);
        chat::SetupRequest request;
        request.holder = &holder;
        if (const auto* o = object_at(target, "assistantOverrides")) request.overrides = *o;
        auto setup = chat::resolve_conversation(s, deps_.resolver, play->org_id, request);
        play->assistants = std::move(setup.assistants);
        play->keys = std::move(setup.keys);
        for (const auto& m : play->messages) {
          const auto* plan = m.is_object() ? object_at(m.get_object(), "judgePlan") : nullptr;
          if (const auto* model = plan ? object_at(*plan, "model") : nullptr)
            add_model_keys(s, deps_.resolver, play->org_id, *model, play->keys);
        }
        play->org_server = deps_.org_server(s, play->org_id);
        play->run = new_run(play->org_id, play->run_id, body, deps_.clock.wall_ms());
        deps_.service.insert_document(s, deps_.runs, play->run);
      },
      [this, play, done = std::move(done)](std::exception_ptr error) {
        if (error) return done(error, {});
        done(nullptr, play->run);
        start(play);
      });
}

void EvalRunner::start(std::shared_ptr<Play> play) const {
  const auto now = deps_.clock.wall_ms();
  play->started_at = format_iso8601(now);
  update(
      play, [now](json::object& run) { mark_running(run, now); },
      [this, play](bool exists) {
        if (exists) step(play);
      });
}

// Feeds mock messages in until a checkpoint (which continues asynchronously) or the end.
void EvalRunner::step(std::shared_ptr<Play> play) const {
  while (play->next < play->messages.size()) {
    const auto index = play->next++;
    const auto& value = play->messages[index];
    if (!value.is_object()) continue;
    const auto& m = value.get_object();
    const auto role = string_at(m, "role");
    if (is_evaluation(m)) {
      if (role == "assistant") return checkpoint(play, m);
      return tool_checkpoint(play, m);
    }
    if (role == "assistant") {
      auto message = assistant_history_message(string_at(m, "content"), array_at(m, "toolCalls"),
                                               "call_mock_" + std::to_string(index));
      play->pending_calls = call_ids(message);
      play->history.push_back(std::move(message));
    } else if (role == "tool") {
      if (play->pending_calls.empty())
        return finish(play, "error",
                      "messages[" + std::to_string(index) +
                          "]: a tool message must answer a tool call of the assistant message "
                          "before it, and there is none left to answer");
      play->history.push_back(json::object{{"role", "tool"},
                                           {"tool_call_id", play->pending_calls.front()},
                                           {"content", string_at(m, "content")}});
      play->pending_calls.erase(play->pending_calls.begin());
    } else {
      play->history.push_back(json::object{{"role", role}, {"content", string_at(m, "content")}});
    }
    play->results.push_back(m);
  }
  finish(play, "mockConversation.done", "");
}

void EvalRunner::checkpoint(std::shared_ptr<Play> play, const json::object& message) const {
  chat::Conversation conversation;
  conversation.org_id = play->org_id;
  conversation.chat = {{"id", play->run_id}};
  conversation.assistants = play->assistants;
  conversation.history = play->history;
  conversation.org_server = play->org_server;
  conversation.access = [keys = play->keys, &providers = deps_.providers](const auto& setup) {
    return chat::model_access(setup, keys, providers);
  };
  answer_once(deps_.engine, std::move(conversation),
              [this, play, message](std::optional<chat::ChatFailure> failure, json::object answered,
                                    json::array costs) {
                add_costs(play->costs, costs);
                if (failure) return finish(play, "error", failure->message);
                judge(play, message, std::move(answered));
              });
}

void EvalRunner::judge(std::shared_ptr<Play> play, const json::object& message,
                       json::object answered) const {
  const auto& plan = message.at("judgePlan").as_object();
  const auto type = string_at(plan, "type");
  const auto answer = answer_of(answered);
  if (type == "exact" || type == "regex") {
    const auto verdict = type == "exact" ? judge_exact(plan, answer) : judge_regex(plan, answer);
    return judged(play, message, answered, verdict.pass, verdict.failure_reason);
  }
  auto view = judge_view(play->results);
  view.push_back(json::object{{"role", "assistant"}, {"content", answer.content}});
  if (!answer.tool_calls.empty()) view.back().as_object()["toolCalls"] = answer.tool_calls;
  ai_judge(play, plan, std::move(view), [this, play, message, answered](Verdict verdict) {
    judged(play, message, answered, verdict.pass, verdict.failure_reason);
  });
}

// An LLM judge: its model's messages rendered with {{messages}} (`view`: the conversation, what
// is judged last); system messages are its prompt, the others its input.
void EvalRunner::ai_judge(std::shared_ptr<Play> play, const json::object& plan, json::array view,
                          std::function<void(Verdict)> then) const {
  const json::object variables{{"messages", view}};
  auto model = plan.at("model").as_object();
  json::array system;
  json::array input;
  if (const auto* messages = array_at(model, "messages")) {
    for (const auto& m : *messages) {
      if (!m.is_object()) continue;
      auto rendered = m.get_object();
      if (const auto* content = rendered.if_contains("content"); content && content->is_string())
        rendered["content"] = chat::render_template(content->get_string(), variables, deps_.clock);
      (string_at(rendered, "role") == "system" ? system : input).push_back(std::move(rendered));
    }
  }
  if (input.empty() && bool_at(plan, "autoIncludeMessageHistory", true))
    input.push_back(json::object{{"role", "user"}, {"content", json_text(view)}});
  model["messages"] = std::move(system);
  chat::Conversation conversation;
  conversation.org_id = play->org_id;
  conversation.chat = {{"id", play->run_id}};
  conversation.assistants.push_back(
      chat::ResolvedAssistant{json::object{{"model", std::move(model)}}, {}, {}, "", "judge"});
  conversation.input = std::move(input);
  conversation.access = [keys = play->keys, &providers = deps_.providers](const auto& setup) {
    return chat::model_access(setup, keys, providers);
  };
  answer_once(
      deps_.engine, std::move(conversation),
      [this, play, then = std::move(then)](std::optional<chat::ChatFailure> failure,
                                           json::object verdict_message, json::array costs) {
        add_costs(play->costs, costs);
        if (failure) return finish(play, "error", "The judge's model failed: " + failure->message);
        then(parse_verdict(string_at(verdict_message, "content")));
      });
}

// A tool response checkpoint: the pending tool calls of the assistant message before it run
// for real (as in a chat), their results go into the conversation and are judged.
void EvalRunner::tool_checkpoint(std::shared_ptr<Play> play, const json::object& message) const {
  const json::object* asked = nullptr;
  for (auto it = play->history.rbegin(); it != play->history.rend() && !asked; ++it)
    if (string_at(it->as_object(), "role") == "assistant") asked = &it->as_object();
  if (play->pending_calls.empty() || !asked)
    return finish(play, "error",
                  "messages[" + std::to_string(play->next - 1) +
                      "]: a tool response evaluation must follow an assistant message with tool "
                      "calls left to answer");
  const auto& assistant = play->assistants.front();
  const auto tools = chat::tool_set(assistant.tools, assistant.squad_destinations);
  std::vector<chat::ToolInvocation> invocations;
  std::vector<std::optional<chat::ToolOutcome>> outcomes;
  for (const auto& c : *array_at(*asked, "tool_calls")) {
    const auto& call = c.as_object();
    const std::string id(string_at(call, "id"));
    if (std::find(play->pending_calls.begin(), play->pending_calls.end(), id) ==
        play->pending_calls.end())
      continue;
    const auto& function = call.at("function").as_object();
    const std::string name(string_at(function, "name"));
    const auto* tool = tools.tool(name);
    if (tool) {
      invocations.push_back({{id, name, std::string(string_at(function, "arguments"))}, *tool});
      outcomes.emplace_back();
    } else {
      outcomes.emplace_back(
          chat::ToolOutcome{id, name, "Error: there is no tool named " + name, true});
    }
  }
  play->pending_calls.clear();
  chat::ToolContext context;
  context.org_id = play->org_id;
  context.assistant = assistant.assistant;
  context.org_server = play->org_server;
  context.chat = {{"id", play->run_id}};
  deps_.engine.tools().run(
      context, std::move(invocations),
      [this, play, message,
       outcomes = std::move(outcomes)](std::vector<chat::ToolOutcome> ran) mutable {
        std::string content;
        std::size_t next = 0;
        for (auto& o : outcomes) {
          if (!o)
            o = next < ran.size() ? std::move(ran[next++])
                                  : chat::ToolOutcome{"", "", "Error: the tool did not run", true};
          play->history.push_back(json::object{
              {"role", "tool"}, {"tool_call_id", o->tool_call_id}, {"content", o->content}});
          content += (content.empty() ? "" : "\n") + o->content;
        }
        auto view = judge_view(play->results);
        view.push_back(json::object{{"role", "tool"}, {"content", content}});
        ai_judge(play, message.at("judgePlan").as_object(), std::move(view),
                 [this, play, content](Verdict verdict) {
                   json::object judge{{"status", verdict.pass ? "pass" : "fail"}};
                   if (!verdict.pass) judge["failureReason"] = verdict.failure_reason;
                   play->results.push_back(json::object{
                       {"role", "tool"}, {"content", content}, {"judge", std::move(judge)}});
                   if (!verdict.pass) play->passed = false;
                   step(play);
                 });
      });
}

void EvalRunner::judged(std::shared_ptr<Play> play, const json::object& message,
                        const json::object& answered, bool pass, std::string failure) const {
  play->results.push_back(judged_message(answer_of(answered), {pass, std::move(failure)}));
  if (!pass) play->passed = false;
  auto continued =
      continued_message(message, answered, "call_override_" + std::to_string(play->next));
  play->pending_calls = call_ids(continued);
  play->history.push_back(std::move(continued));
  const auto* plan = object_at(message, "continuePlan");
  if (!pass && plan && bool_at(*plan, "exitOnFailureEnabled"))
    return finish(play, "mockConversation.done", "");
  step(play);
}

void EvalRunner::finish(std::shared_ptr<Play> play, std::string ended_reason,
                        std::string message) const {
  {
    std::lock_guard lock(play->mutex);
    if (play->finished) return;
    play->finished = true;
  }
  const bool pass = play->passed && ended_reason == "mockConversation.done";
  json::object result{{"status", pass ? "pass" : "fail"},
                      {"messages", play->results},
                      {"startedAt", play->started_at}};
  const auto now = deps_.clock.wall_ms();
  update(
      play,
      [=, costs = play->costs](json::object& run) {
        mark_ended(run, ended_reason, message, result, costs, now);
      },
      [](bool) {});
}

void EvalRunner::update(const std::shared_ptr<Play>& play,
                        std::function<void(json::object&)> change,
                        std::function<void(bool)> then) const {
  deps_.store.post_write(
      [this, play, change = std::move(change)](storage::Session& s) {
        auto run = deps_.service.load(s, deps_.runs, play->org_id, play->run_id);
        change(run);
        deps_.service.replace_document(s, deps_.runs, std::move(run));
      },
      [then = std::move(then)](std::exception_ptr error) { then(!error); });
}

}  // namespace sb::evals
