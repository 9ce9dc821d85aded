// The simulation runner's voice items: the target runs in a real call (POST /call's WebSocket
// transport: a call id, recording, transcript, end-of-call report and analysis as any call
// has), whose media connection is a SimulatedCaller. The tester's written turns are spoken into
// it; its turn comes when the target stops speaking, with the words the call transcribed. The
// item ends with the call (the tester hangs up, the target ends it, or a bound of the call's
// own), and is evaluated from the call's transcript.

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "core/json_fields.hpp"
#include "domain/evals/simulation_run.hpp"
#include "http/message.hpp"
#include "runtime/chat/chat_context.hpp"
#include "runtime/evals/eval_runner.hpp"
#include "runtime/evals/simulation_item.hpp"
#include "runtime/evals/simulation_runner.hpp"
#include "runtime/voice/live_calls.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

// The tester hanging up (Vapi's reason for the customer's side ending a call).
constexpr std::string_view kTesterHungUp = "customer-ended-call";

// What the caller needs of the call's client messages, whatever the target's clientMessages
// say: the simulated caller is the call's only client.
const json::array kCallerMessages{"transcript", "speech-update", "status-update"};

// POST /call's body for the item's target: its assistant or squad, the scenario's overrides.
json::object call_request(const json::object& holder, const json::object& scenario,
                          const std::string& run_id, const std::string& item_id) {
  json::object body = holder;
  json::object overrides;
  if (const auto* o = object_at(scenario, "targetOverrides")) overrides = *o;
  overrides["clientMessages"] = kCallerMessages;
  body["assistantOverrides"] = std::move(overrides);
  body["transport"] =
      json::object{{"provider", "vapi.websocket"},
                   {"audioFormat", json::object{{"format", "pcm_s16le"},
                                                {"container", "raw"},
                                                {"sampleRate", speech::kPipelineRate}}}};
  body["metadata"] = json::object{{"simulationRunId", run_id}, {"simulationRunItemId", item_id}};
  return body;
}

// Whether the target speaks first in its call (a first message, or one its model writes).
bool target_opens(const json::object& assistant) {
  return chat::first_message(assistant).has_value() ||
         string_at(assistant, "firstMessageMode") ==
             "assistant-speaks-first-with-model-generated-message";
}

}  // namespace

void SimulationRunner::start_call(std::shared_ptr<Item> item) {
  if (item->canceled) return released(item);
  deps_.calls->create(
      item->org_id, call_request(item->holder, item->scenario, item->run_id, item->id),
      [this, item](std::exception_ptr error, json::object call) {
        if (error)
          return end_item(item, "failed",
                          "The target's call could not start: " + describe_error(error));
        connect_call(item, std::move(call));
      });
}

// The call is live, waiting for its transport: the simulated caller becomes it.
void SimulationRunner::connect_call(std::shared_ptr<Item> item, json::object call) {
  const std::string id(string_at(call, "id"));
  auto [claim, live] = deps_.calls->claim(id, http::Request{});
  if (claim != voice::LiveCalls::Claim::kClaimed) {
    deps_.calls->end(id, "call.in-progress.error-providerfault-transport-never-connected");
    return end_item(item, "failed", "The target's call could not be connected");
  }
  std::weak_ptr<Item> weak = item;
  SimulatedCallerEvents events;
  events.on_target_turn = [this, weak](std::string words) {
    if (auto i = weak.lock()) target_spoke(std::move(i), std::move(words));
  };
  events.on_failure = [this, weak](std::string message) {
    if (auto i = weak.lock()) hang_up(i, "The tester could not speak: " + message);
  };
  speech::SpeechContext context{item->org_id, id, call, item->speech_credentials};
  auto caller = std::make_shared<SimulatedCaller>(boost::asio::make_strand(*deps_.io), deps_.clock,
                                                  *deps_.voice, item->tester_voice,
                                                  std::move(context), std::move(events));
  {
    std::lock_guard lock(item->mutex);
    item->call_id = id;
    item->caller = caller;
  }
  // Its end ends the item; registered before anything can end it.
  if (!deps_.calls->when_ended(
          id, [this, item](const json::object& ended) { call_ended(item, ended); }))
    return end_item(item, "failed", "The target's call ended before it was connected");
  if (item->canceled) return hang_up(item);
  write_item(
      item, [id](json::object& doc) { doc["callId"] = id; },
      [this, item](bool ok) {
        if (!ok) hang_up(item);  // canceled meanwhile
      });
  live->connected(caller);
  caller->start(live);
  if (!target_opens(item->target.front().assistant)) {
    {
      std::lock_guard lock(item->mutex);
      item->tester_busy = true;
    }
    voice_tester_turn(item);
  }
}

// The target stopped speaking (the caller's strand): the tester answers, unless it is still
// answering the target's previous words.
void SimulationRunner::target_spoke(std::shared_ptr<Item> item, std::string words) {
  if (item->canceled) return hang_up(item);
  {
    std::lock_guard lock(item->mutex);
    if (!words.empty())
      item->transcript.push_back(json::object{{"role", "assistant"}, {"content", words}});
    if (item->tester_busy) return;
    item->tester_busy = true;
  }
  voice_tester_turn(item);
}

void SimulationRunner::voice_tester_turn(std::shared_ptr<Item> item) {
  json::array transcript;
  {
    std::lock_guard lock(item->mutex);
    if (item->turns >= deps_.max_turns) return hang_up(item);  // the exchange bound
    transcript = item->transcript;
  }
  answer_once(
      *engine_, tester_conversation(*item, std::move(transcript)),
      [this, item](std::optional<chat::ChatFailure> failure, json::object message, json::array) {
        if (failure) return hang_up(item, "The tester's model failed: " + failure->message);
        const std::string content(string_at(message, "content"));
        if (tester_ends(message) || content.empty() || item->canceled) return hang_up(item);
        std::shared_ptr<SimulatedCaller> caller;
        {
          std::lock_guard lock(item->mutex);
          item->transcript.push_back(json::object{{"role", "user"}, {"content", content}});
          ++item->turns;
          item->tester_busy = false;
          caller = item->caller;
        }
        if (caller) caller->say(content);
      });
}

void SimulationRunner::hang_up(const std::shared_ptr<Item>& item, std::string broke) {
  std::string call_id;
  {
    std::lock_guard lock(item->mutex);
    if (item->broke.empty()) item->broke = std::move(broke);
    call_id = item->call_id;
  }
  if (!call_id.empty()) deps_.calls->end(call_id, std::string(kTesterHungUp));
}

// The call ended and its end is stored (any thread): the item is evaluated from it.
void SimulationRunner::call_ended(std::shared_ptr<Item> item, json::object call) {
  item->call = std::move(call);
  if (item->canceled) return released(item);
  std::string broke;
  {
    std::lock_guard lock(item->mutex);
    broke = item->broke;
  }
  if (!broke.empty()) return end_item(item, "failed", broke);
  const std::string reason(string_at(item->call, "endedReason"));
  if (call_ended_in_error(reason))
    return end_item(item, "failed", "The target's call ended with " + reason);
  evaluate(item, 0);
}

}  // namespace sb::evals
