#include "runtime/chat/chat_engine.hpp"

#include <cstdint>
#include <mutex>
#include <utility>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "runtime/chat/tool_calls.hpp"
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

// The destination of a transferCall tool the model picked by number or SIP URI, else its
// first; {} when it has none.
json::object transfer_destination(const json::object& tool, std::string_view picked) {
  const auto* destinations = array_at(tool, "destinations");
  if (!destinations) return {};
  const json::object* first = nullptr;
  for (const auto& d : *destinations) {
    if (!d.is_object()) continue;
    const auto& destination = d.get_object();
    if (!first) first = &destination;
    if (!picked.empty() &&
        (string_at(destination, "number") == picked || string_at(destination, "sipUri") == picked))
      return destination;
  }
  return first ? *first : json::object();
}

// The Vapi endedReason of a provider's failure: the status-specific one for the statuses
// the enum names for every provider this server speaks, else "<provider>-llm-failed".
std::string llm_ended_reason(std::string_view provider, int status) {
  std::string_view what;
  switch (status) {
    case 400:
      what = "400-bad-request-validation-failed";
      break;
    case 401:
      what = "401-unauthorized";
      break;
    case 403:
      what = "403-model-access-denied";
      break;
    case 429:
      what = "429-exceeded-quota";
      break;
    case 500:
      what = "500-server-error";
      break;
    case 503:
      what = "503-server-overloaded-error";
      break;
    default:
      what = "llm-failed";
  }
  return "pipeline-error-" + std::string(provider) + "-" + std::string(what);
}

}  // namespace

// Everything one turn carries from round to round, and the turn's handle. One lock guards it
// all: every step of the engine and every event runs under it, so a cancel() from another
// thread finds the turn between two steps, and a callback of a stale exchange or batch (one
// that arrives after the turn moved on or was cancelled) is recognised by its sequence number
// and dropped.
struct ChatEngine::Turn final : TurnHandle {
  std::recursive_mutex mutex;  // recursive: an event callback may call cancel()
  bool finished = false;       // a terminal event has run
  Conversation conversation;
  ChatEvents events;
  ChatResult result;
  int round = 0;
  std::size_t current = 0;  // the assistant running
  ToolSet tool_set;         // the current assistant's, for this round
  // The model exchange in flight (its sequence number), and the text it streamed so far.
  std::uint64_t exchange_seq = 0;
  std::shared_ptr<ModelExchange> exchange;
  std::string partial;
  std::string provider;  // of the model of this round
  // Calls of the round being handled, with their outcome where the engine decides it itself
  // (handoffs, unknown tools); the tools' fill the rest. batch_seq numbers the tool batches.
  std::vector<llm::ToolCall> calls;
  std::vector<std::optional<ToolOutcome>> decided;
  std::size_t handoff_to = SIZE_MAX;
  std::uint64_t batch_seq = 0;
  std::uint64_t gate_seq = 0;  // numbers the batches waiting for before_tools' go
  CancelTools cancel_tools;    // the batch in flight, if any
  bool in_tools = false;
  std::size_t answered_calls = 0;  // calls whose tool message is in the output

  void cancel() override {
    std::lock_guard lock(mutex);
    if (finished) return;
    finished = true;
    if (exchange) std::exchange(exchange, nullptr)->cancel();
    if (cancel_tools) std::exchange(cancel_tools, nullptr)();
    close_partial();
    result.costs.push_back(json::object{{"type", "chat"}, {"cost", 0}});
    result.assistant = current;
    events.on_cancelled(std::move(result));
  }
  // The output as a conversation: the streamed text, then every call answered.
  void close_partial() {
    if (!partial.empty())
      result.output.push_back(json::object{{"role", "assistant"}, {"content", partial}});
    if (!in_tools) return;
    for (std::size_t i = answered_calls; i < calls.size(); ++i)
      result.output.push_back(tool_message(calls[i].id, calls[i].name,
                                           decided[i] ? decided[i]->content : "Error: cancelled"));
  }
  void fail(ErrorCode code, std::string message, std::string ended_reason) {
    if (finished) return;
    finished = true;
    events.on_failure(ChatFailure{code, std::move(message), std::move(ended_reason)});
  }
  void done() {
    finished = true;
    result.costs.push_back(json::object{{"type", "chat"}, {"cost", 0}});
    result.assistant = current;
    events.on_done(std::move(result));
  }
  // The outcome of a call the engine answers itself: a handoff, or a tool the assistant lacks.
  ToolOutcome decide(const llm::ToolCall& call) {
    ToolOutcome outcome{call.id, call.name, "", true};
    const auto* handoff = tool_set.handoff(call.name, call.arguments);
    if (!handoff) {
      outcome.content = "Error: there is no tool named " + call.name;
      return outcome;
    }
    const auto& d = handoff->destination;
    const auto id = string_at(d, "assistantId");
    const auto name = string_at(d, "assistantName");
    const auto* inline_assistant = d.if_contains("assistant");
    const auto& assistants = conversation.assistants;
    for (std::size_t a = 0; a < assistants.size() && handoff_to == SIZE_MAX; ++a) {
      const auto& candidate = assistants[a];
      const bool match = (!id.empty() && id == candidate.id) ||
                         (!name.empty() && name == candidate.name) ||
                         (inline_assistant && inline_assistant->is_object() &&
                          candidate.id.empty() && !candidate.name.empty() &&
                          string_at(inline_assistant->get_object(), "name") == candidate.name);
      if (match) handoff_to = a;
    }
    if (handoff_to == SIZE_MAX) {
      outcome.content = "Error: the handoff destination is not available to this chat";
      return outcome;
    }
    const auto& target = assistants[handoff_to];
    outcome.content = "Handed off to " + (target.name.empty() ? target.id : target.name);
    outcome.failed = false;
    return outcome;
  }
  // A call-control tool, run by the call's host.
  ToolOutcome control(const llm::ToolCall& call, const json::object& tool) {
    auto& host = *conversation.call_control;
    const auto type = string_at(tool, "type");
    const auto arguments = arguments_value(call.arguments);
    const auto argument = [&](std::string_view key) -> std::string {
      if (!arguments.is_object()) return "";
      return std::string(string_at(arguments.get_object(), key));
    };
    std::string content;
    if (type == "endCall")
      content = host.end_call(tool);
    else if (type == "transferCall")
      content = host.transfer(tool, transfer_destination(tool, argument("destination")));
    else if (type == "dtmf")
      content = host.send_dtmf(tool, argument("keys"));
    else
      content = host.voicemail(tool);
    return {call.id, call.name, std::move(content), false};
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

std::shared_ptr<TurnHandle> ChatEngine::run(Conversation conversation, ChatEvents events) const {
  auto turn = std::make_shared<Turn>();
  std::lock_guard lock(turn->mutex);
  turn->conversation = std::move(conversation);
  turn->events = std::move(events);
  if (turn->conversation.assistants.empty())
    turn->fail(ErrorCode::kInternal, "no assistant to run", "assistant-not-valid");
  else
    round(turn);
  return turn;
}

// Streams one model round. Called with the turn's lock held.
void ChatEngine::round(const std::shared_ptr<Turn>& turn) const {
  if (turn->finished) return;
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
    return turn->fail(e.code(), e.what(), "assistant-not-valid");
  }
  turn->tool_set =
      tool_set(assistant.tools, assistant.squad_destinations, conversation.call_control != nullptr);
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
  const std::uint64_t seq = ++turn->exchange_seq;
  turn->partial.clear();
  turn->provider = setup.provider;
  // Each callback takes the lock and drops itself when its exchange is no longer the turn's.
  llm::StreamCallbacks callbacks;
  callbacks.on_delta = [turn, index, seq](std::string_view text) {
    std::lock_guard lock(turn->mutex);
    if (turn->finished || seq != turn->exchange_seq) return false;
    turn->partial.append(text);
    if (!turn->events.on_delta(index, text)) turn->cancel();
    return !turn->finished;
  };
  callbacks.on_complete = [this, turn, setup, seq](llm::Completion completion) {
    std::lock_guard lock(turn->mutex);
    if (turn->finished || seq != turn->exchange_seq) return;
    turn->exchange.reset();
    turn->add_usage(setup, completion.usage);
    answered(turn, std::move(completion));
  };
  callbacks.on_failure = [turn, seq](llm::Failure failure) {
    std::lock_guard lock(turn->mutex);
    if (turn->finished || seq != turn->exchange_seq) return;
    turn->exchange.reset();
    turn->fail(failure.code, std::move(failure.message),
               llm_ended_reason(turn->provider, failure.status));
  };
  auto exchange = model_.stream(std::move(request), std::move(callbacks));
  // The exchange may have ended (and later rounds begun) before stream() returned.
  if (seq == turn->exchange_seq && !turn->finished) turn->exchange = std::move(exchange);
}

// The model's answer: the turn's end, or tool calls to run. Called with the lock held.
void ChatEngine::answered(const std::shared_ptr<Turn>& turn, llm::Completion completion) const {
  turn->partial.clear();
  turn->result.output.push_back(assistant_message(completion));
  if (completion.tool_calls.empty()) return turn->done();
  turn->calls = std::move(completion.tool_calls);
  turn->decided.assign(turn->calls.size(), std::nullopt);
  turn->handoff_to = SIZE_MAX;
  turn->in_tools = true;
  turn->answered_calls = 0;
  std::vector<ToolInvocation> invocations;
  for (std::size_t i = 0; i < turn->calls.size(); ++i) {
    const auto& call = turn->calls[i];
    if (turn->events.on_tool_started)
      turn->events.on_tool_started(turn->result.output.size() + i, call);
    if (turn->finished) return;  // cancelled from the event
    if (const auto* tool = turn->tool_set.tool(call.name)) {
      if (turn->conversation.call_control && is_call_control_tool(string_at(*tool, "type")))
        turn->decided[i] = turn->control(call, *tool);
      else
        invocations.push_back({call, *tool});
      continue;
    }
    turn->decided[i] = turn->decide(call);
  }
  run_tools(turn, std::move(invocations));
}

// Hands the calls the engine did not decide to the tools, once the host lets them go. Called
// with the lock held.
void ChatEngine::run_tools(const std::shared_ptr<Turn>& turn,
                           std::vector<ToolInvocation> invocations) const {
  if (invocations.empty()) return after_tools(turn, {});
  if (!turn->events.before_tools) return start_batch(turn, std::move(invocations));
  const std::uint64_t gate = ++turn->gate_seq;
  auto calls = std::make_shared<std::vector<ToolInvocation>>(std::move(invocations));
  turn->events.before_tools([this, turn, gate, calls] {
    std::lock_guard lock(turn->mutex);
    if (turn->finished || gate != turn->gate_seq || calls->empty()) return;
    start_batch(turn, std::move(*calls));
    calls->clear();
  });
}

// Called with the lock held.
void ChatEngine::start_batch(const std::shared_ptr<Turn>& turn,
                             std::vector<ToolInvocation> invocations) const {
  const auto& conversation = turn->conversation;
  ToolContext context;
  context.org_id = conversation.org_id;
  context.assistant = conversation.assistants[turn->current].assistant;
  context.org_server = conversation.org_server;
  context.chat = conversation.chat;
  context.customer = conversation.customer;
  const std::uint64_t seq = ++turn->batch_seq;
  // A cancel cuts the batch (what the tools can cut); whatever it reports afterwards is
  // dropped.
  auto cancel = tools_.run(context, std::move(invocations),
                           [this, turn, seq](std::vector<ToolOutcome> outcomes) {
                             std::lock_guard lock(turn->mutex);
                             if (turn->finished || seq != turn->batch_seq) return;
                             after_tools(turn, std::move(outcomes));
                           });
  // The batch may have ended (and the turn moved on) before run() returned.
  if (seq == turn->batch_seq && turn->in_tools && !turn->finished)
    turn->cancel_tools = std::move(cancel);
}

// Every call's tool message, then the next round (with the assistant handed off to). Called
// with the lock held.
void ChatEngine::after_tools(const std::shared_ptr<Turn>& turn,
                             std::vector<ToolOutcome> outcomes) const {
  turn->cancel_tools = nullptr;  // the batch has reported: nothing of it is left to cut
  std::size_t next = 0;
  for (std::size_t i = 0; i < turn->calls.size(); ++i) {
    const auto& call = turn->calls[i];
    if (!turn->decided[i])
      turn->decided[i] = next < outcomes.size()
                             ? std::move(outcomes[next++])
                             : ToolOutcome{call.id, call.name, "Error: the tool did not run", true};
  }
  for (std::size_t i = 0; i < turn->calls.size() && !turn->finished; ++i) {
    const auto& call = turn->calls[i];
    turn->result.output.push_back(tool_message(call.id, call.name, turn->decided[i]->content));
    turn->answered_calls = i + 1;  // a cancel from here on must not answer it again
    if (turn->events.on_tool_finished)
      turn->events.on_tool_finished(turn->result.output.size() - 1, *turn->decided[i]);
  }
  turn->in_tools = false;
  if (turn->finished) return;
  if (turn->handoff_to != SIZE_MAX && turn->handoff_to != turn->current) {
    const auto from = turn->current;
    turn->current = turn->handoff_to;
    if (turn->events.on_handoff) turn->events.on_handoff(from, turn->current);
  }
  round(turn);
}

}  // namespace sb::chat
