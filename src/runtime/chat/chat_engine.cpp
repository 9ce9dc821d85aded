#include "runtime/chat/chat_engine.hpp"

#include <cstdint>
#include <utility>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "runtime/chat/tool_runner.hpp"

namespace sb::chat {
namespace json = boost::json;

namespace {

json::object assistant_message(const llm::Completion& c) {
  json::object message{{"role", "assistant"}};
  if (c.tool_calls.empty()) {
    message["content"] = c.text;
    return message;
  }
  if (!c.text.empty()) message["content"] = c.text;
  json::array calls;
  for (const auto& call : c.tool_calls)
    calls.push_back(json::object{
        {"id", call.id},
        {"type", "function"},
        {"function", json::object{{"name", call.name}, {"arguments", call.arguments}}}});
  message["tool_calls"] = std::move(calls);
  return message;
}

json::object tool_message(std::string_view call_id, std::string_view name,
                          std::string_view content) {
  return {{"role", "tool"}, {"tool_call_id", call_id}, {"name", name}, {"content", content}};
}

}  // namespace

// Everything one turn carries from round to round. Callbacks of one round never overlap with
// the next round's, so only `cancelled` is shared across threads.
struct ChatEngine::Turn {
  Conversation conversation;
  ChatEvents events;
  ChatResult result;
  int round = 0;
  std::size_t current = 0;  // the assistant running
  ToolSet tool_set;         // the current assistant's, for this round
  // Calls of the round being handled, with their outcome where the engine decides it itself
  // (handoffs, unknown tools); the runner's fill the rest.
  std::vector<llm::ToolCall> calls;
  std::vector<std::optional<ToolOutcome>> decided;
  std::size_t handoff_to = SIZE_MAX;

  void fail(ErrorCode code, std::string message) {
    events.on_failure(ChatFailure{code, std::move(message)});
  }
  void add_usage(const ModelSetup& setup, const llm::Usage& usage) {
    for (auto& c : result.costs) {
      auto& cost = c.as_object();
      const auto& model = cost["model"].as_object();
      if (string_at(model, "provider") == setup.provider &&
          string_at(model, "model") == setup.model) {
        cost["promptTokens"] = cost["promptTokens"].to_number<std::int64_t>() + usage.prompt_tokens;
        cost["completionTokens"] =
            cost["completionTokens"].to_number<std::int64_t>() + usage.completion_tokens;
        return;
      }
    }
    // Prices are not known to this server: costs report tokens, at 0.
    result.costs.push_back(
        json::object{{"type", "model"},
                     {"model", json::object{{"provider", setup.provider}, {"model", setup.model}}},
                     {"promptTokens", usage.prompt_tokens},
                     {"completionTokens", usage.completion_tokens},
                     {"cost", 0}});
  }
};

void ChatEngine::run(Conversation conversation, ChatEvents events) const {
  auto turn = std::make_shared<Turn>();
  turn->conversation = std::move(conversation);
  turn->events = std::move(events);
  if (turn->conversation.assistants.empty())
    return turn->fail(ErrorCode::kInternal, "no assistant to run");
  round(std::move(turn));
}

void ChatEngine::round(std::shared_ptr<Turn> turn) const {
  const auto& conversation = turn->conversation;
  const auto& assistant = conversation.assistants[turn->current];
  llm::CompletionRequest request;
  ModelSetup setup;
  try {
    setup = model_setup(assistant.assistant);
    const auto access = conversation.access(setup);
    request.base_url = access.base_url;
    request.api_key = access.api_key;
    request.head_timeout = access.timeout;
    request.idle_timeout = access.timeout;
  } catch (const ApiError& e) {
    return turn->fail(e.code(), e.what());
  }
  turn->tool_set = tool_set(assistant.tools, assistant.squad_destinations);
  request.provider = setup.provider;
  request.model = setup.model;
  request.temperature = setup.temperature;
  request.max_tokens = setup.max_tokens;
  request.messages = setup.system_messages;
  const json::array* parts[] = {&conversation.history, &conversation.input, &turn->result.output};
  for (const auto* part : parts)
    for (const auto& m : to_model_messages(*part)) request.messages.push_back(m);
  // The last round offers no tools, so the model has to answer in text.
  if (++turn->round < kMaxRounds) request.tools = turn->tool_set.definitions;

  const std::size_t index = turn->result.output.size();
  llm::StreamCallbacks callbacks;
  callbacks.on_delta = [turn, index](std::string_view text) {
    return turn->events.on_delta(index, text);
  };
  callbacks.on_complete = [this, turn, setup](llm::Completion completion) {
    turn->add_usage(setup, completion.usage);
    answered(turn, std::move(completion));
  };
  callbacks.on_failure = [turn](llm::Failure failure) {
    turn->fail(failure.code, std::move(failure.message));
  };
  llm_.stream(std::move(request), std::move(callbacks));
}

void ChatEngine::answered(std::shared_ptr<Turn> turn, llm::Completion completion) const {
  turn->result.output.push_back(assistant_message(completion));
  if (completion.tool_calls.empty()) {
    turn->result.costs.push_back(json::object{{"type", "chat"}, {"cost", 0}});
    turn->result.assistant = turn->current;
    return turn->events.on_done(std::move(turn->result));
  }
  const auto& conversation = turn->conversation;
  turn->calls = std::move(completion.tool_calls);
  turn->decided.assign(turn->calls.size(), std::nullopt);
  turn->handoff_to = SIZE_MAX;
  std::vector<ToolInvocation> invocations;
  for (std::size_t i = 0; i < turn->calls.size(); ++i) {
    const auto& call = turn->calls[i];
    if (const auto* tool = turn->tool_set.tool(call.name)) {
      invocations.push_back({call, *tool});
      continue;
    }
    ToolOutcome outcome{call.id, call.name, "", true};
    if (const auto* handoff = turn->tool_set.handoff(call.name, call.arguments)) {
      const auto& d = handoff->destination;
      for (std::size_t a = 0; a < conversation.assistants.size(); ++a) {
        const auto& candidate = conversation.assistants[a];
        const auto id = string_at(d, "assistantId");
        const auto name = string_at(d, "assistantName");
        const auto* inline_assistant = d.if_contains("assistant");
        const bool match = (!id.empty() && id == candidate.id) ||
                           (!name.empty() && name == candidate.name) ||
                           (inline_assistant && inline_assistant->is_object() &&
                            candidate.id.empty() && !candidate.name.empty() &&
                            string_at(inline_assistant->get_object(), "name") == candidate.name);
        if (match && turn->handoff_to == SIZE_MAX) turn->handoff_to = a;
      }
      if (turn->handoff_to != SIZE_MAX) {
        const auto& target = conversation.assistants[turn->handoff_to];
        outcome.content = "Handed off to " + (target.name.empty() ? target.id : target.name);
        outcome.failed = false;
      } else {
        outcome.content = "Error: the handoff destination is not available to this chat";
      }
    } else {
      outcome.content = "Error: there is no tool named " + call.name;
    }
    turn->decided[i] = std::move(outcome);
  }
  if (invocations.empty()) return after_tools(std::move(turn), {});
  ToolContext context;
  context.org_id = conversation.org_id;
  context.assistant = conversation.assistants[turn->current].assistant;
  context.org_server = conversation.org_server;
  context.chat = conversation.chat;
  context.customer = conversation.customer;
  tools_.run(context, std::move(invocations), [this, turn](std::vector<ToolOutcome> outcomes) {
    after_tools(turn, std::move(outcomes));
  });
}

void ChatEngine::after_tools(std::shared_ptr<Turn> turn, std::vector<ToolOutcome> outcomes) const {
  std::size_t next = 0;
  for (std::size_t i = 0; i < turn->calls.size(); ++i) {
    const auto& call = turn->calls[i];
    if (turn->decided[i]) {
      turn->result.output.push_back(tool_message(call.id, call.name, turn->decided[i]->content));
    } else if (next < outcomes.size()) {
      const auto& o = outcomes[next++];
      turn->result.output.push_back(tool_message(call.id, call.name, o.content));
    } else {
      turn->result.output.push_back(
          tool_message(call.id, call.name, "Error: the tool did not run"));
    }
  }
  if (turn->handoff_to != SIZE_MAX) turn->current = turn->handoff_to;
  round(std::move(turn));
}

}  // namespace sb::chat
