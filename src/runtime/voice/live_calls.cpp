#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/live_calls_sink.hpp"

#include "runtime/voice/call_transfers.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <future>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "domain/calls/inbound_call.hpp"
#include "domain/calls/recording_store.hpp"
#include "domain/calls/websocket_call.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_context.hpp"
#include "runtime/speech/speech.hpp"
#include "storage/analytics_repository.hpp"
#include "storage/instance_repository.hpp"
#include "storage/store.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::voice {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const json::object kEmpty;

}  // namespace

LiveCalls::LiveCalls(LiveCallsDeps deps)
    : deps_(std::move(deps)),
      analyzer_(deps_.engine.model(), deps_.io.get_executor(), deps_.clock) {
  if (!deps_.journal_dir.empty()) fs::create_directories(deps_.journal_dir);
  if (deps_.recordings)
    recording_ = {std::make_shared<RecordingDisk>(), deps_.recordings, deps_.public_url};
}

LiveCalls::~LiveCalls() {
  // Ends stored through the disk (Sink::ended) refer to this registry: let them run first.
  if (const auto& disk = recording_.disk) {
    std::promise<void> done;
    disk->after_queued([&done] { done.set_value(); });
    done.get_future().wait();
  }
}

struct LiveCalls::Prepared {
  json::object call;
  chat::Conversation conversation;
  std::optional<webhooks::Destination> to;
  json::object phone_number;
  calls::MonitorPlan plan;
  std::optional<calls::VoicemailPlan> voicemail;
  std::string invalid;  ///< why an adopted call's assistant cannot run ("" when it can)
  analysis::CallAnalysisRequest analysis;  ///< what runs after the call (its `call` unset)
};

// Refuses a call while draining or at max_calls; otherwise counts it as on its way.
bool LiveCalls::reserve(std::function<void(std::exception_ptr, json::object)>& done) {
  std::lock_guard lock(mutex_);
  if (draining_) {
    ++metrics_.refused;
    done(std::make_exception_ptr(
             ApiError(ErrorCode::kServiceUnavailable, "The server is shutting down")),
         {});
    return false;
  }
  if (calls_.size() + reserved_ >= deps_.max_calls) {
    ++metrics_.refused;
    done(std::make_exception_ptr(
             ApiError(ErrorCode::kTooManyRequests,
                      "This server is at its limit of " + std::to_string(deps_.max_calls) +
                          " concurrent calls (--max-calls); try again when a call has ended")),
         {});
    return false;
  }
  ++reserved_;
  return true;
}

void LiveCalls::release() {
  std::lock_guard lock(mutex_);
  --reserved_;
}

void LiveCalls::prepare(storage::Session& s, const std::string& org_id, const json::object& holder,
                        Prepared& out) const {
  const auto* overrides = object_at(holder, "assistantOverrides");
  const auto* squad_overrides = object_at(holder, "squadOverrides");
  chat::SetupRequest request{
      &holder,
      overrides ? *overrides : json::object{},
      std::nullopt,
      "",
      holder.contains("customer") ? holder.at("customer") : json::value(nullptr),
      true,
      squad_overrides ? *squad_overrides : json::object{}};
  auto setup = chat::resolve_conversation(s, deps_.resolver, org_id, request);
  const auto& first = setup.assistants.front().assistant;
  const auto* transcriber = object_at(first, "transcriber");
  const auto* voice = object_at(first, "voice");
  deps_.transcriber.check(transcriber ? *transcriber : kEmpty);
  deps_.voice.check(voice ? *voice : kEmpty);
  out.plan = calls::MonitorPlan::of(first);
  out.voicemail = calls::VoicemailPlan::twilio_of(first);
  auto& conversation = out.conversation;
  conversation.org_id = org_id;
  conversation.org_server = deps_.org_server(s, org_id);
  if (const auto* c = object_at(holder, "customer")) conversation.customer = *c;
  conversation.access = [keys = setup.keys,
                         &providers = deps_.providers](const chat::ModelSetup& m) {
    return chat::model_access(m, keys, providers);
  };
  out.analysis = analysis_request(s, org_id, first, holder, setup.keys);
  conversation.assistants = std::move(setup.assistants);
  conversation.speech_credentials = std::move(setup.speech_credentials);
  out.phone_number = stored_number(s, org_id, holder);
  const auto* server = object_at(conversation.assistants.front().assistant, "server");
  if (auto picked =
          webhooks::pick_server({server, object_at(out.phone_number, "server"),
                                 conversation.org_server ? &*conversation.org_server : nullptr}))
    out.to = webhooks::Destination{org_id, std::move(*picked)};
}

// The call is stored: it goes live, waiting for its transport.
void LiveCalls::start(const std::string& id, Prepared& prepared, ConnectCheck check) {
  prepared.conversation.chat = {{"id", id}};
  auto org_id = prepared.conversation.org_id;
  auto sink = std::make_shared<Sink>(*this, prepared.conversation.org_id, id, prepared.to,
                                     std::move(prepared.analysis));
  sink->on_ended = [this, id] { forget(id); };
  auto call = LiveCall::create(
      boost::asio::make_strand(deps_.io),
      LiveCallServices{deps_.clock, deps_.engine, deps_.transcriber, deps_.voice, &metrics_,
                       &recording_, deps_.transfers},
      std::make_unique<SinkHandle>(sink), prepared.call, std::move(prepared.conversation),
      deps_.options, std::move(prepared.phone_number));
  std::lock_guard lock(mutex_);
  --reserved_;
  calls_.emplace(id, Entry{std::move(call),
                           std::move(check),
                           {},
                           std::move(org_id),
                           prepared.plan,
                           prepared.voicemail});
  ++metrics_.live;
}

void LiveCalls::create(std::string org_id, json::object body,
                       std::function<void(std::exception_ptr, json::object)> done) {
  calls::AudioFormat format;
  try {
    format = calls::check_websocket_call(body);
  } catch (...) {
    return done(std::current_exception(), {});
  }
  create_with(
      std::move(org_id), std::move(body),
      [this, format](const std::string& id, const std::string& org, const json::object& request) {
        return calls::new_websocket_call(id, org, request, format, deps_.public_url(),
                                         deps_.clock.wall_ms());
      },
      nullptr, std::move(done));
}

void LiveCalls::create_with(std::string org_id, json::object body, Build build, ConnectCheck check,
                            std::function<void(std::exception_ptr, json::object)> done) {
  go_live(
      std::move(org_id), new_uuid(), [body = std::move(body)](storage::Session&) { return body; },
      false, std::move(build), std::move(check), std::move(done));
}

void LiveCalls::resume_with(std::string org_id, std::string id, std::string from_status,
                            Build build, ConnectCheck check,
                            std::function<void(std::exception_ptr, json::object)> done) {
  auto take = [this, org_id, id, from_status = std::move(from_status)](storage::Session& s) {
    if (!s.resources().find(deps_.calls.kind, org_id, id))
      throw ApiError(ErrorCode::kConflict, "The call was deleted");
    auto stored = deps_.service.load(s, deps_.calls, org_id, id);
    if (string_at(stored, "status") != from_status)
      throw ApiError(ErrorCode::kConflict, "The call is no longer " + from_status);
    return stored;
  };
  go_live(std::move(org_id), std::move(id), std::move(take), true, std::move(build),
          std::move(check), std::move(done));
}

// The call `id` (new, or stored when `replace`) is checked and stored queued in one write,
// then registered live.
void LiveCalls::go_live(std::string org_id, std::string id, Take take, bool replace, Build build,
                        ConnectCheck check,
                        std::function<void(std::exception_ptr, json::object)> done) {
  if (!reserve(done)) return;
  auto prepared = std::make_shared<Prepared>();
  deps_.store.post_write(
      [this, prepared, org_id, take = std::move(take), replace, build = std::move(build),
       id](storage::Session& s) {
        const auto body = take(s);
        prepare(s, org_id, body, *prepared);
        prepared->call = build(id, org_id, body);
        prepared->call["monitor"] = calls::monitor_of(prepared->plan, deps_.public_url(), id);
        if (replace)
          deps_.service.replace_document(s, deps_.calls, prepared->call);
        else
          deps_.service.insert_document(s, deps_.calls, prepared->call);
        if (prepared->to &&
            wants_server_message(prepared->conversation.assistants.front().assistant,
                                 "status-update"))
          deps_.deliveries.enqueue(
              s, *prepared->to, id,
              calls::status_update_message(prepared->call, prepared->phone_number,
                                           deps_.clock.wall_ms()));
        own(s, org_id, id);
        journal_add(org_id, id);
      },
      [this, prepared, check = std::move(check), done = std::move(done),
       id](std::exception_ptr error) mutable {
        if (error) {
          release();
          journal_remove(id);
          return done(error, {});
        }
        auto call = prepared->call;
        start(id, *prepared, std::move(check));
        done(nullptr, std::move(call));
      });
}

void LiveCalls::adopt(json::object call, ConnectCheck check, std::function<void()> ready) {
  const std::string id(string_at(call, "id"));
  const std::string org_id(string_at(call, "orgId"));
  std::function<void(std::exception_ptr, json::object)> refused =
      [this, id, org_id, ready](std::exception_ptr, json::object) {
        spdlog::warn("call {}: no room for its media stream; it ends", id);
        end_stored(org_id, id, "call.in-progress.error-vapifault-worker-not-available");
        ready();
      };
  if (!reserve(refused)) return;
  journal_add(org_id, id);
  auto prepared = std::make_shared<Prepared>();
  prepared->call = std::move(call);
  // Its stored document gets its monitor (only that: the provider may have changed the rest).
  deps_.store.post_write(
      [this, prepared, org_id, id](storage::Session& s) {
        own(s, org_id, id);
        try {
          prepare(s, org_id, prepared->call, *prepared);
        } catch (const std::exception& e) {
          prepared->invalid = e.what();
        } catch (...) {
          prepared->invalid = "an unknown error";
        }
        // The routing left the call's first status-update (in progress) to this write.
        if (!prepared->invalid.empty())
          return send_stored_status(s, org_id, prepared->call, deps_.clock.wall_ms());
        auto monitor = calls::monitor_of(prepared->plan, deps_.public_url(), id);
        prepared->call["monitor"] = monitor;
        auto stored = deps_.service.load(s, deps_.calls, org_id, id);
        stored["monitor"] = std::move(monitor);
        deps_.service.replace_document(s, deps_.calls, stored);
        if (prepared->to &&
            wants_server_message(prepared->conversation.assistants.front().assistant,
                                 "status-update"))
          deps_.deliveries.enqueue(
              s, *prepared->to, id,
              calls::status_update_message(prepared->call, prepared->phone_number,
                                           deps_.clock.wall_ms()));
      },
      [this, prepared, org_id, id, check = std::move(check),
       ready = std::move(ready)](std::exception_ptr error) mutable {
        if (!prepared->invalid.empty()) {
          spdlog::warn("call {}: its assistant cannot run: {}", id, prepared->invalid);
          release();
          end_stored(org_id, id, "assistant-not-valid");
          return ready();
        }
        if (error) spdlog::warn("call {}: storing its monitor URLs failed", id);
        start(id, *prepared, std::move(check));
        ready();
      });
}

std::pair<LiveCalls::Claim, std::shared_ptr<LiveCall>> LiveCalls::claim(std::string_view id,
                                                                        const http::Request& head) {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end() || it->second.call->ended()) return {Claim::kUnknown, nullptr};
  if (it->second.check && !it->second.check(head)) return {Claim::kRefused, nullptr};
  if (!it->second.call->claim()) return {Claim::kTaken, nullptr};
  return {Claim::kClaimed, it->second.call};
}

bool LiveCalls::end(std::string_view id, const std::string& ended_reason,
                    std::function<void()> stored) {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end()) return false;
  if (stored)
    it->second.on_stored.push_back([stored = std::move(stored)](const json::object&) { stored(); });
  it->second.call->end(ended_reason);
  return true;
}

bool LiveCalls::when_ended(std::string_view id, std::function<void(const json::object&)> then) {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end()) return false;
  it->second.on_stored.push_back(std::move(then));
  return true;
}

bool LiveCalls::progress(std::string_view id, json::object fields, std::string status) {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end()) return false;
  it->second.call->progress(std::move(fields), std::move(status));
  return true;
}

bool LiveCalls::control(std::string_view id, json::object message) {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end() || it->second.call->ended()) return false;
  if (string_at(message, "type") == "handoff") {
    const auto* destination = object_at(message, "destination");
    auto target = destination ? string_at(*destination, "assistantName") : "";
    if (target.empty() && destination) target = string_at(*destination, "assistantId");
    if (!it->second.call->has_member(target))
      throw ApiError::bad_request("No assistant '" + std::string(target) +
                                  "' runs in this call: a handoff names a member of its squad");
  }
  if (string_at(message, "type") == "transfer" &&
      !(deps_.transfers && deps_.transfers->can_transfer(it->second.call->snapshot())))
    throw ApiError::bad_request(
        "This call cannot be transferred: only answered SIP calls and Twilio, Vonage or Telnyx "
        "calls on a stored number can be");
  it->second.call->control(std::move(message));
  return true;
}

std::optional<LiveCalls::Monitored> LiveCalls::monitored(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end() || it->second.call->ended()) return std::nullopt;
  return Monitored{it->second.call, it->second.org_id, it->second.plan};
}

std::optional<calls::VoicemailPlan> LiveCalls::voicemail_plan(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end()) return std::nullopt;
  return it->second.voicemail;
}

bool LiveCalls::voicemail_reached(std::string_view id) {
  std::shared_ptr<LiveCall> call;
  {
    std::lock_guard lock(mutex_);
    const auto it = calls_.find(id);
    if (it == calls_.end() || it->second.call->ended()) return false;
    call = it->second.call;
  }
  call->voicemail_reached();
  return true;
}

bool LiveCalls::has(std::string_view id) const {
  std::lock_guard lock(mutex_);
  return calls_.contains(id);
}

std::optional<json::object> LiveCalls::snapshot(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(id);
  if (it == calls_.end()) return std::nullopt;
  return it->second.call->snapshot();
}

bool LiveCalls::full() const {
  std::lock_guard lock(mutex_);
  return draining_ || calls_.size() + reserved_ >= deps_.max_calls;
}

std::size_t LiveCalls::live() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

void LiveCalls::own(storage::Session& s, const std::string& org_id, const std::string& id) const {
  if (!deps_.instance_id.empty())
    s.instances().own_call(id, org_id, deps_.instance_id, deps_.clock.wall_ms());
}

void LiveCalls::forget(const std::string& id) {
  journal_remove(id);
  std::vector<std::function<void(const json::object&)>> waiting;
  json::object ended;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = calls_.find(id); it != calls_.end()) {
      waiting = std::move(it->second.on_stored);
      if (!waiting.empty()) ended = it->second.call->snapshot();
      calls_.erase(it);
      --metrics_.live;
    }
    if (calls_.empty()) all_ended_.notify_all();
  }
  for (auto& w : waiting) w(ended);
}

void LiveCalls::drain(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  draining_ = true;
  all_ended_.wait_for(lock, grace, [this] { return calls_.empty(); });
  for (auto& [id, entry] : calls_) entry.call->end("worker-shutdown");
  // Their ends are stored by the writer; bounded, so a stuck disk cannot hold shutdown forever.
  all_ended_.wait_for(lock, std::chrono::seconds(10), [this] { return calls_.empty(); });
}

}  // namespace sb::voice
