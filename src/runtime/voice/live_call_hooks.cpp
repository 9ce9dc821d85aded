// What a live call does besides answering the customer: the assistant's hooks (customer silence,
// time elapsed, interruptions, the call's end), the messages tools say while they run, and the
// `hang` message when an answer is slow to come.

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
#include "runtime/chat/call_control.hpp"
#include "runtime/chat/chat_setup.hpp"
#include "runtime/chat/tool_runner.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// An answer that has not begun this long after the customer's turn ended is a hang: the caller
// hears nothing, and the team's server hears of it.
constexpr std::chrono::seconds kHangAfter{5};

}  // namespace

void LiveCallImpl::check_hooks(Clock::SteadyTime t) {
  if (awaiting_answer_ && !hang_sent_ && t - *awaiting_answer_ >= kHangAfter) {
    hang_sent_ = true;
    emit(base_message("hang"));
  }
  for (auto it = delayed_tool_speech_.begin(); it != delayed_tool_speech_.end();) {
    if (it->due > t && it->answer == answer_) {
      ++it;
      continue;
    }
    auto speech = std::move(it->speech);
    const bool current = it->answer == answer_;
    it = delayed_tool_speech_.erase(it);
    if (current) speak_tool_message(speech);
  }
  if (hooks_.empty()) return;
  for (const auto& actions : hooks_.time_elapsed_due(
           std::chrono::duration_cast<std::chrono::milliseconds>(t - started_at_)))
    run_hook(actions);
  // Hooks wait while anyone speaks or an answer is on its way (tool calls included).
  const bool busy =
      assistant_speaking_ || speaking_queued() || customer_speaking_ || !customer_turn_.empty();
  if (!quiet_ || busy) return;
  for (const auto& actions : hooks_.speech_timeouts_due(
           std::chrono::duration_cast<std::chrono::milliseconds>(t - quiet_since_)))
    run_hook(actions);
}

void LiveCallImpl::run_hook(const json::array& actions) {
  for (const auto& a : actions) {
    if (!live_) return;
    const auto* action = a.if_object();
    if (!action) continue;
    const auto type = string_at(*action, "type");
    if (type == "say") {
      if (auto text = exact_text(*action, variant_++)) {
        conversation_.history.push_back(json::object{{"role", "assistant"}, {"content", *text}});
        say(std::move(*text), true);
      } else if (!turn_running_) {
        respond(prompt_text(*action, string_at(artifact(), "transcript")));
      }
      hook_answer_ = answer_;
    } else if (type == "tool") {
      run_hook_tool(*action, false);
    } else if (type == "message.add") {
      const auto* message = object_at(*action, "message");
      if (!message) continue;
      conversation_.history.push_back(*message);
      if (bool_at(*action, "triggerResponseEnabled", true) &&
          string_at(*message, "role") != "assistant" && !turn_running_) {
        respond();
        hook_answer_ = answer_;
      }
    }
  }
}

// call.ending: the call is ending, so nothing more is said or answered; messages join the
// history (the artifact shows them) and tools run (their results are only logged).
void LiveCallImpl::run_ending_hooks(const std::string& ended_reason) {
  auto ended = call_;
  ended["endedReason"] = ended_reason;
  for (const auto& actions : hooks_.on_call_ending(ended))
    for (const auto& a : actions) {
      const auto* action = a.if_object();
      if (!action) continue;
      const auto type = string_at(*action, "type");
      if (type == "tool") {
        run_hook_tool(*action, true);
      } else if (type == "message.add") {
        if (const auto* message = object_at(*action, "message"))
          conversation_.history.push_back(*message);
      } else {
        spdlog::warn("call {}: a call.ending hook's {} action is not run: the call is ending", id_,
                     type);
      }
    }
}

void LiveCallImpl::run_customer_interrupted_hooks() {
  if (hooks_.on_customer_interrupted().empty()) return;
  // Not from inside the tick that started the speech: an action may end the call.
  on_strand([](LiveCallImpl& c) {
    for (const auto& actions : c.hooks_.on_customer_interrupted()) c.run_hook(actions);
  });
}

// A hook's `tool` action: endCall ends the call; transferCall transfers it (to its first phone
// destination, or the one the server answers when it has none), as the model's call would; a
// tool this server runs for the model (a function or apiRequest tool, anything with a server)
// runs the same way, with the arguments its schema's properties give as `value`; keypad tones
// and handoffs are skipped.
void LiveCallImpl::run_hook_tool(const json::object& action, bool ending) {
  const auto* tool = object_at(action, "tool");
  if (!tool) {
    const auto tool_id = string_at(action, "toolId");
    for (const auto& a : conversation_.assistants) {
      for (const auto& t : a.tools)
        if (const auto* o = t.if_object(); o && !tool_id.empty() && string_at(*o, "id") == tool_id)
          tool = o;
      if (tool) break;
    }
    if (!tool) {
      spdlog::warn("call {}: a hook names tool '{}', which none of its assistants has", id_,
                   tool_id);
      return;
    }
  }
  const auto type = string_at(*tool, "type");
  if (type == "endCall") {
    if (!ending) end_call(*tool);
    return;
  }
  if (type == "transferCall") {
    if (!ending) transfer_from_hook(*tool);
    return;
  }
  if (chat::is_call_control_tool(type) || type == "handoff") {
    spdlog::warn("call {}: a hook's {} tool is skipped: live calls cannot run it yet", id_, type);
    return;
  }
  llm::ToolCall call;
  call.id = "hook_" + std::to_string(++hook_tool_calls_);
  const auto* function = object_at(*tool, "function");
  call.name = function ? std::string(string_at(*function, "name")) : std::string(type);
  json::object arguments;
  if (function)
    if (const auto* parameters = object_at(*function, "parameters"))
      if (const auto* properties = object_at(*parameters, "properties"))
        for (const auto& [key, schema] : *properties)
          if (const auto* o = schema.if_object(); o && o->contains("value"))
            arguments[key] = o->at("value");
  call.arguments = json::serialize(arguments);
  chat::ToolContext context;
  context.org_id = conversation_.org_id;
  context.assistant = assistant_;
  context.org_server = conversation_.org_server;
  context.chat = conversation_.chat;
  context.customer = conversation_.customer;
  spdlog::info("call {}: a hook runs its {} tool '{}'", id_, type, call.name);
  std::vector<chat::ToolInvocation> invocations{{call, *tool}};
  // Its result is for no model: it is logged, on whichever thread it comes.
  services_.engine.tools().run(
      context, std::move(invocations), [id = id_](std::vector<chat::ToolOutcome> outcomes) {
        for (const auto& o : outcomes)
          if (o.failed)
            spdlog::warn("call {}: a hook's tool '{}' failed: {}", id, o.name, o.content);
      });
}

void LiveCallImpl::transfer_from_hook(const json::object& tool) {
  if (!services_.transfers || !services_.transfers->can_transfer(snapshot())) {
    spdlog::warn("call {}: a hook's transferCall is skipped: this call cannot be transferred", id_);
    return;
  }
  json::object destination;
  if (const auto* destinations = array_at(tool, "destinations"))
    for (const auto& d : *destinations)
      if (const auto* o = d.if_object(); o && string_at(*o, "type") != "assistant") {
        destination = *o;
        break;
      }
  spdlog::info("call {}: a hook transfers the call", id_);
  begin_transfer(tool, std::move(destination));
}

void LiveCallImpl::begin_silence() {
  quiet_ = true;
  quiet_since_ = now();
  hooks_.silence_started();
}

void LiveCallImpl::customer_spoke() {
  quiet_ = false;
  hooks_.customer_spoke();
}

void LiveCallImpl::answer_started() {
  awaiting_answer_.reset();
  hang_sent_ = false;
}

void LiveCallImpl::tool_started(std::uint64_t answer, const llm::ToolCall& call) {
  if (live_) record(calls::events::kToolStarted, {{"name", call.name}});
  if (answer != answer_ || !live_) return;
  const json::object* tool = nullptr;
  for (const auto& a : conversation_.assistants)
    if ((tool = find_tool(a.tools, call.name))) break;
  if (!tool) return say_handoff_message(call);
  tool_runs_.push_back(ToolRun{call.id, call.arguments, *tool});
  if (auto speech = tool_speech(*tool, "request-start", call.arguments, variant_++)) {
    speak_tool_message(*speech);
    blocking_said_ = blocking_said_ || speech->blocking;
  }
  for (auto& speech : delayed_tool_speech(*tool, call.arguments, variant_++))
    delayed_tool_speech_.push_back({call.id, now() + speech.delay, std::move(speech), answer});
}

// The round's tools may run: at once, unless a request-start message of theirs is blocking;
// then once everything said so far has been heard (release_tools).
void LiveCallImpl::gate_tools(std::uint64_t answer, std::function<void()> go) {
  if (answer != answer_ || !live_) return;  // cut since: the turn ignores it anyway
  if (!blocking_said_) return go();
  blocking_said_ = false;
  held_tools_ = std::move(go);
}

void LiveCallImpl::release_tools(Clock::SteadyTime t) {
  // A muted assistant says nothing: its tools do not wait for it.
  if (!all_heard(t) && !assistant_muted_) return;
  std::exchange(held_tools_, nullptr)();
}

void LiveCallImpl::tool_finished(std::uint64_t answer, const chat::ToolOutcome& outcome) {
  if (live_)
    record(outcome.failed ? calls::events::kToolFailed : calls::events::kToolCompleted,
           {{"name", outcome.name}});
  std::erase_if(delayed_tool_speech_,
                [&](const DelayedToolSpeech& d) { return d.call_id == outcome.tool_call_id; });
  const auto run = std::find_if(tool_runs_.begin(), tool_runs_.end(), [&](const ToolRun& r) {
    return r.call_id == outcome.tool_call_id;
  });
  if (run == tool_runs_.end()) return;
  const auto finished = std::move(*run);
  tool_runs_.erase(run);
  if (answer != answer_ || !live_) return;
  const auto type = outcome.failed ? "request-failed" : "request-complete";
  if (auto speech = tool_speech(finished.tool, type, finished.arguments, variant_++))
    speak_tool_message(*speech);
}

// A handoff to an `assistant` destination of a transferCall tool or of the squad's
// assistantDestinations (TransferDestinationAssistant) says its `message` first, when it has
// one; the member answers after it. Handoffs without one stay silent (Vapi's default message
// would announce every squad handoff as a transfer).
void LiveCallImpl::say_handoff_message(const llm::ToolCall& call) {
  for (const auto& a : conversation_.assistants) {
    const auto set = chat::tool_set(a.tools, a.squad_destinations, true);
    const auto* handoff = set.handoff(call.name, call.arguments);
    if (!handoff) continue;
    const auto* message = handoff->destination.if_contains("message");
    std::string text;
    if (message && message->is_string()) text = message->get_string();
    if (message && message->is_object()) text = string_at(message->get_object(), "content");
    if (!text.empty()) speak_tool_message(ToolSpeech{std::move(text)});
    return;
  }
}

void LiveCallImpl::speak_tool_message(const ToolSpeech& speech) {
  if (!live_) return;
  // The model's turn is past this point already: the message reaches it from the next turn.
  if (speech.to_model) return system_for_model_.push_back(speech.content);
  // What the model wrote before calling the tool is said first.
  if (chunker_)
    if (auto rest = chunker_->flush(); !rest.empty()) queue_speech(answer_, std::move(rest));
  say(speech.content, true);
  if (speech.end_call) pending_end_ = "assistant-ended-call-after-message-spoken";
}

}  // namespace sb::voice
