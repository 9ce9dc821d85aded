#include "runtime/evals/simulation_runner.hpp"

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/evals/eval_run.hpp"
#include "domain/evals/simulation_plan.hpp"
#include "domain/evals/simulation_run.hpp"
#include "domain/evals/simulation_suggestions.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_context.hpp"
#include "runtime/evals/eval_runner.hpp"
#include "runtime/evals/simulation_item.hpp"
#include "runtime/speech/speech.hpp"
#include "storage/store.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

constexpr std::string_view kEndCall = "endCall";

// The personality's assistant as the tester: told the scenario, offered endCall.
json::object tester_assistant(json::object assistant, std::string_view instructions) {
  auto& model = assistant["model"];
  if (!model.is_object()) return assistant;  // model_setup will say what is missing
  auto& m = model.as_object();
  if (!m["messages"].is_array()) m["messages"] = json::array();
  m["messages"].as_array().push_back(json::object{
      {"role", "system"},
      {"content",
       "You are the caller in a test conversation with an AI assistant. Follow this scenario:\n" +
           std::string(instructions) +
           "\nSpeak only as the caller, one turn at a time. When the conversation has reached its "
           "end, call the endCall function."}});
  if (!m["tools"].is_array()) m["tools"] = json::array();
  m["tools"].as_array().push_back(json::object{
      {"type", "function"},
      {"function", json::object{{"name", kEndCall},
                                {"description", "Ends the conversation."},
                                {"parameters", json::object{{"type", "object"},
                                                            {"properties", json::object()}}}}}});
  return assistant;
}

// The transcript as the tester sees it: the target's words are its user's.
json::array flipped(const json::array& transcript) {
  json::array out;
  for (const auto& v : transcript) {
    const auto& m = v.as_object();
    const auto role = string_at(m, "role");
    const auto content = string_at(m, "content");
    if (content.empty() || (role != "assistant" && role != "user")) continue;
    out.push_back(
        json::object{{"role", role == "assistant" ? "user" : "assistant"}, {"content", content}});
  }
  return out;
}

// The tester's voice in a voice item: its personality's own, else a built-in one unlike the
// built-in default (Paige: flite's slt), so the two sides sound apart in the recording.
json::object tester_voice(const json::object& assistant) {
  if (const auto* voice = object_at(assistant, "voice"); voice && voice->contains("provider"))
    return *voice;
  return {{"provider", "vapi"}, {"voiceId", "Paige"}};
}

}  // namespace

bool tester_ends(const json::object& message) {
  if (const auto* calls = array_at(message, "tool_calls"))
    for (const auto& c : *calls)
      if (const auto* f = c.is_object() ? object_at(c.get_object(), "function") : nullptr;
          f && string_at(*f, "name") == kEndCall)
        return true;
  return false;
}

std::string describe_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    std::string out;
    for (const auto& m : e.messages()) out += (out.empty() ? "" : "; ") + m;
    return out;
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Runs the target's tool calls, answering those the item's scenario mocks itself.
class SimulationRunner::MockingTools final : public chat::Tools {
 public:
  explicit MockingTools(const chat::Tools& real) : real_(real) {}
  void set(const std::string& chat_id, json::array mocks) {
    std::lock_guard lock(mutex_);
    mocks_[chat_id] = std::move(mocks);
  }
  void forget(const std::string& chat_id) {
    std::lock_guard lock(mutex_);
    mocks_.erase(chat_id);
  }
  chat::CancelTools run(const chat::ToolContext& context, std::vector<chat::ToolInvocation> calls,
                        std::function<void(std::vector<chat::ToolOutcome>)> done) const override {
    std::vector<std::optional<chat::ToolOutcome>> mocked(calls.size());
    std::vector<chat::ToolInvocation> real;
    {
      std::lock_guard lock(mutex_);
      const auto it = mocks_.find(std::string(string_at(context.chat, "id")));
      for (std::size_t i = 0; i < calls.size(); ++i) {
        if (it != mocks_.end())
          for (const auto& m : it->second) {
            const auto& mock = m.as_object();
            if (string_at(mock, "toolName") == calls[i].call.name && bool_at(mock, "enabled", true))
              mocked[i] = chat::ToolOutcome{calls[i].call.id, calls[i].call.name,
                                            std::string(string_at(mock, "result")), false};
          }
        if (!mocked[i]) real.push_back(calls[i]);
      }
    }
    auto merge = [mocked = std::move(mocked),
                  done = std::move(done)](std::vector<chat::ToolOutcome> outcomes) mutable {
      std::vector<chat::ToolOutcome> all;
      std::size_t next = 0;
      for (auto& m : mocked) all.push_back(m ? std::move(*m) : std::move(outcomes.at(next++)));
      done(std::move(all));
    };
    if (real.empty()) {
      merge({});
      return [] {};
    }
    return real_.run(context, std::move(real), std::move(merge));
  }

 private:
  const chat::Tools& real_;
  mutable std::mutex mutex_;
  std::map<std::string, json::array> mocks_;
};

SimulationRunner::SimulationRunner(SimulationRunnerDeps deps)
    : deps_(std::move(deps)),
      tools_(std::make_unique<MockingTools>(deps_.engine.tools())),
      engine_(std::make_unique<chat::ChatEngine>(deps_.engine.model(), *tools_)),
      started_(deps_.clock.wall_ms()) {}

SimulationRunner::~SimulationRunner() = default;

storage::ResourceQuery SimulationRunner::items_of(std::string_view run_id) {
  storage::ResourceQuery query;
  query.limit = 10000;
  query.ascending = true;
  query.fields.push_back({"runId",
                          storage::FieldFilter::Op::kEquals,
                          storage::FieldFilter::Type::kText,
                          {std::string(run_id)}});
  return query;
}

json::array SimulationRunner::parsed_documents(const storage::DocumentPage& page) {
  json::array out;
  for (const auto& d : page.documents) out.push_back(json::parse(d));
  return out;
}

std::function<chat::ModelAccess(const chat::ModelSetup&)> SimulationRunner::access(
    std::map<std::string, std::string> keys) const {
  return [keys = std::move(keys), &providers = deps_.providers](const chat::ModelSetup& setup) {
    return chat::model_access(setup, keys, providers);
  };
}

void SimulationRunner::create(std::string org_id, json::object body, SimulationReply done) {
  try {
    check_simulation_run_request(body);
    if (wants_voice(body) && (!deps_.calls || !deps_.voice || !deps_.io))
      throw ApiError::bad_request(
          "transport.provider vapi.websocket (voice simulations) is not available on this "
          "server");
  } catch (...) {
    return done(std::current_exception(), {});
  }
  struct Created {
    json::object response;
    std::vector<std::shared_ptr<Item>> items;
  };
  auto created = std::make_shared<Created>();
  auto request = std::make_shared<json::object>(std::move(body));
  deps_.store.post_write(
      [this, org_id, request, created](storage::Session& s) {
        created->items.clear();
        const auto& body = *request;
        const auto& specs = deps_.specs;
        const auto load = [&](const resources::ResourceSpec& spec, std::string_view id) {
          return deps_.service.load(s, spec, org_id, ascii_lower(id));
        };
        const auto& target = body.at("target").as_object();
        auto holder = target_holder(target);
        chat::SetupRequest check;
        check.holder = &holder;
        chat::resolve_conversation(s, deps_.resolver, org_id, check);  // its 404s
        json::object snapshot;
        if (auto id = string_at(holder, "assistantId"); !id.empty())
          snapshot["assistant"] = load(deps_.resolver.assistants, id);
        else if (auto squad = string_at(holder, "squadId"); !squad.empty())
          snapshot["squad"] = load(deps_.resolver.squads, squad);
        else
          snapshot = holder;
        const auto kind_spec = [&specs](PlanKind kind) -> const resources::ResourceSpec& {
          switch (kind) {
            case PlanKind::kScenario:
              return specs.scenarios;
            case PlanKind::kPersonality:
              return specs.personalities;
            case PlanKind::kSimulation:
              return specs.simulations;
            case PlanKind::kSuite:
              return specs.suites;
            case PlanKind::kStructuredOutput:
              break;
          }
          return specs.structured_outputs;
        };
        auto plan = plan_simulation_run(
            body, {org_id, format_iso8601(deps_.clock.wall_ms()), std::move(snapshot), new_uuid},
            [&](PlanKind kind, std::string_view id) { return load(kind_spec(kind), id); });
        const bool voice = wants_voice(body);
        json::array item_ids;
        for (auto& planned : plan.items) {
          auto item = std::make_shared<Item>();
          item->org_id = org_id;
          item->run_id = string_at(plan.run, "id");
          item->id = string_at(planned.doc, "id");
          item->voice = voice;
          item->holder = holder;
          item->scenario = std::move(planned.scenario);
          item->personality = std::move(planned.personality);
          item->evaluations = std::move(planned.evaluations);
          deps_.service.insert_document(s, specs.items, planned.doc);
          item_ids.push_back(json::string(item->id));
          created->items.push_back(std::move(item));
        }
        auto& run = plan.run;
        const std::string run_id(string_at(run, "id"));
        deps_.service.insert_document(s, specs.runs, run);
        run["simulationRunItemIds"] = std::move(item_ids);
        run["url"] = deps_.public_url() + "/eval/simulation/run/" + run_id;
        run["message"] =
            std::string(voice ? "Voice simulations (each item a call of the target, two slots)"
                              : "Chat simulations (one slot each)") +
            "; at most " + std::to_string(deps_.concurrency) +
            " slots in use at once per org, the other items wait queued";
        created->response = std::move(run);
      },
      [this, created, done = std::move(done)](std::exception_ptr error) {
        if (error) return done(error, {});
        done(nullptr, created->response);
        enqueue(std::move(created->items));
      });
}

void SimulationRunner::enqueue(std::vector<std::shared_ptr<Item>> items) {
  {
    std::lock_guard lock(mutex_);
    for (auto& item : items) {
      live_[item->id] = item;
      queue_.push_back(std::move(item));
    }
  }
  pump();
}

void SimulationRunner::cancel_live(std::string_view run_id, std::string_view item_id) {
  std::vector<std::shared_ptr<Item>> in_calls;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, item] : live_)
      if (id == item_id || (!run_id.empty() && item->run_id == run_id)) {
        item->canceled = true;
        if (item->voice) in_calls.push_back(item);
      }
  }
  for (const auto& item : in_calls) hang_up(item);  // a call ends now, not at its next turn
}

// Starts queued items while their orgs have room.
void SimulationRunner::pump() {
  std::vector<std::shared_ptr<Item>> starting;
  {
    std::lock_guard lock(mutex_);
    for (auto it = queue_.begin(); it != queue_.end();) {
      auto& active = active_[(*it)->org_id];
      const auto slots = item_slots((*it)->voice);
      if (!slots_free(active, slots, deps_.concurrency)) {
        ++it;
        continue;
      }
      active += slots;
      starting.push_back(std::move(*it));
      it = queue_.erase(it);
    }
  }
  for (auto& item : starting) start(std::move(item));
}

void SimulationRunner::released(const std::shared_ptr<Item>& item) {
  tools_->forget(item->id);
  {
    std::lock_guard lock(item->mutex);
    item->caller.reset();
  }
  {
    std::lock_guard lock(mutex_);
    live_.erase(item->id);
    if ((active_[item->org_id] -= item_slots(item->voice)) <= 0) active_.erase(item->org_id);
  }
  pump();
}

void SimulationRunner::start(std::shared_ptr<Item> item) {
  if (item->canceled) return released(item);
  deps_.store.post_read([this, item](storage::Session& s) {
    try {
      chat::SetupRequest target;
      target.holder = &item->holder;
      if (const auto* o = object_at(item->scenario, "targetOverrides")) target.overrides = *o;
      auto setup = chat::resolve_conversation(s, deps_.resolver, item->org_id, target);
      item->target = std::move(setup.assistants);
      item->keys = std::move(setup.keys);
      const json::object tester{
          {"assistant", tester_assistant(object_at(item->personality, "assistant")
                                             ? item->personality.at("assistant").as_object()
                                             : json::object(),
                                         string_at(item->scenario, "instructions"))}};
      chat::SetupRequest tester_request;
      tester_request.holder = &tester;
      auto tester_setup =
          chat::resolve_conversation(s, deps_.resolver, item->org_id, tester_request);
      item->tester = std::move(tester_setup.assistants);
      for (auto& [provider, key] : tester_setup.keys) item->keys.emplace(provider, key);
      if (item->voice) {
        item->tester_voice = tester_voice(item->tester.front().assistant);
        deps_.voice->check(item->tester_voice);
        item->speech_credentials = std::move(tester_setup.speech_credentials);
      }
      for (const auto& [plan, output] : item->evaluations)
        if (const auto* model = object_at(output, "model"))
          add_model_keys(s, deps_.resolver, item->org_id, *model, item->keys);
      item->org_server = deps_.org_server(s, item->org_id);
    } catch (...) {
      return end_item(item, "failed", describe_error(std::current_exception()));
    }
    if (const auto* mocks = array_at(item->scenario, "toolMocks")) tools_->set(item->id, *mocks);
    const auto now = format_iso8601(deps_.clock.wall_ms());
    write_item(
        item,
        [now](json::object& doc) {
          doc["status"] = "running";
          doc["startedAt"] = now;
        },
        [this, item](bool ok) {
          if (!ok) return released(item);
          if (item->voice) return start_call(item);
          // The target opens with its first message, as in a call; else the tester does.
          if (auto greeting = chat::first_message(item->target.front().assistant)) {
            item->transcript.push_back(json::object{{"role", "assistant"}, {"content", *greeting}});
          }
          tester_turn(item);
        });
  });
}

void SimulationRunner::tester_turn(std::shared_ptr<Item> item) {
  if (item->canceled) return released(item);
  if (item->turns >= deps_.max_turns) return evaluate(item, 0);
  answer_once(
      *engine_, tester_conversation(*item, item->transcript),
      [this, item](std::optional<chat::ChatFailure> failure, json::object message, json::array) {
        if (failure)
          return end_item(item, "failed", "The tester's model failed: " + failure->message);
        const auto content = string_at(message, "content");
        if (tester_ends(message) || content.empty()) return evaluate(item, 0);
        item->transcript.push_back(json::object{{"role", "user"}, {"content", content}});
        target_turn(item);
      });
}

chat::Conversation SimulationRunner::tester_conversation(const Item& item,
                                                         json::array transcript) const {
  chat::Conversation conversation;
  conversation.org_id = item.org_id;
  conversation.chat = {{"id", item.id + "-tester"}};
  conversation.assistants = item.tester;
  conversation.history = flipped(transcript);
  conversation.access = access(item.keys);
  return conversation;
}

void SimulationRunner::target_turn(std::shared_ptr<Item> item) {
  if (item->canceled) return released(item);
  chat::Conversation conversation;
  conversation.org_id = item->org_id;
  conversation.chat = {{"id", item->id}};
  conversation.assistants = item->target;
  conversation.history = item->transcript;
  conversation.org_server = item->org_server;
  conversation.access = access(item->keys);
  chat::ChatEvents events;
  events.on_delta = [](std::size_t, std::string_view) { return true; };
  events.on_done = [this, item](chat::ChatResult result) {
    for (auto& m : result.output) item->transcript.push_back(std::move(m));
    ++item->turns;
    tester_turn(item);
  };
  events.on_failure = [this, item](chat::ChatFailure failure) {
    end_item(item, "failed", "The target's model failed: " + failure.message);
  };
  events.on_cancelled = [this, item](chat::ChatResult) { released(item); };
  engine_->run(std::move(conversation), std::move(events));
}

void SimulationRunner::end_item(std::shared_ptr<Item> item, std::string status,
                                std::string reason) {
  const auto now = format_iso8601(deps_.clock.wall_ms());
  json::object call = !item->call.empty()
                          ? voice_call_metadata(item->call)
                          : json::object{{"transcript", transcript_of(item->transcript)},
                                         {"messages", item->transcript}};
  json::object results{{"evaluations", item->results}, {"passed", status == "passed"}};
  std::string call_id;
  {
    std::lock_guard lock(item->mutex);
    if (item->caller) results["latencyMetrics"] = item->caller->latency();
    call_id = item->call_id;
  }
  write_item(
      item,
      [=](json::object& doc) {
        doc["status"] = status;
        doc[status == "passed" ? "completedAt" : "failedAt"] = now;
        if (!reason.empty()) doc["failureReason"] = reason;
        if (!call_id.empty()) doc["callId"] = call_id;
        auto& metadata = doc["metadata"];
        if (!metadata.is_object()) metadata = json::object();
        metadata.as_object()["call"] = call;
        doc["results"] = results;
      },
      [this, item](bool) { released(item); });
}

void SimulationRunner::send_hooks(storage::Session& s, const json::object& item,
                                  std::string_view event) const {
  const auto* hooks = array_at(item, "hooks");
  if (!hooks || !deps_.deliveries) return;
  const std::string org(string_at(item, "orgId"));
  std::optional<json::object> org_server;
  bool org_server_read = false;
  for (const auto& h : *hooks) {
    const auto* hook = h.if_object();
    if (!hook || string_at(*hook, "on") != event) continue;
    const auto* actions = array_at(*hook, "do");
    for (const auto& a : actions ? *actions : json::array()) {
      const auto* action = a.if_object();
      if (!action || string_at(*action, "type") != "webhook") continue;
      const auto* own = object_at(*action, "server");
      if (!own && !org_server_read) {
        org_server = deps_.org_server(s, org);
        org_server_read = true;
      }
      const auto server = webhooks::pick_server({own, org_server ? &*org_server : nullptr});
      if (!server) continue;  // nowhere to send it
      const auto* include = object_at(*action, "include");
      deps_.deliveries->enqueue(s, {org, *server}, string_at(item, "id"),
                                hook_message(item, event, include ? *include : json::object()));
    }
  }
}

void SimulationRunner::write_item(const std::shared_ptr<Item>& item,
                                  std::function<void(json::object&)> change,
                                  std::function<void(bool)> then) {
  deps_.store.post_write(
      [this, item, change = std::move(change)](storage::Session& s) {
        const auto& specs = deps_.specs;
        auto doc = deps_.service.load(s, specs.items, item->org_id, item->id);
        const std::string before(string_at(doc, "status"));
        if (before == "canceled") throw ApiError::bad_request("canceled");
        change(doc);
        deps_.service.replace_document(s, specs.items, doc);
        const auto after = string_at(doc, "status");
        if (before == "queued" && after == "running") send_hooks(s, doc, "simulation.run.started");
        if (item_ended(after)) send_hooks(s, doc, "simulation.run.ended");
        auto run = deps_.service.load(s, specs.runs, item->org_id, item->run_id);
        const auto items = parsed_documents(
            deps_.service.list(s, specs.items, item->org_id, items_of(item->run_id)));
        const auto counts = item_counts(items);
        const auto now = format_iso8601(deps_.clock.wall_ms());
        if (string_at(run, "status") == "queued" &&
            int_at(counts, "queued") < int_at(counts, "total")) {
          run["status"] = "running";
          run["startedAt"] = now;
        }
        const auto ended =
            int_at(counts, "passed") + int_at(counts, "failed") + int_at(counts, "canceled");
        if (ended == int_at(counts, "total") && string_at(run, "status") != "ended") {
          run["status"] = "ended";
          run["endedAt"] = now;
          run["endedReason"] = "completed";
        }
        run["itemCounts"] = counts;
        deps_.service.replace_document(s, specs.runs, std::move(run));
      },
      [then = std::move(then)](std::exception_ptr error) { then(!error); });
}

}  // namespace sb::evals
