#include "runtime/voice/live_call.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "core/json_fields.hpp"
#include "domain/calls/call_costs.hpp"
#include "domain/calls/inbound_call.hpp"
#include "runtime/chat/chat_setup.hpp"
#include "runtime/voice/call_metrics.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// Vapi's defaults when an assistant names no serverMessages / clientMessages.
const std::vector<std::string> kDefaultServerMessages{"conversation-update",
                                                      "end-of-call-report",
                                                      "function-call",
                                                      "hang",
                                                      "speech-update",
                                                      "status-update",
                                                      "tool-calls",
                                                      "transfer-destination-request",
                                                      "handoff-destination-request",
                                                      "user-interrupted",
                                                      "assistant.started"};
const std::vector<std::string> kDefaultClientMessages{
    "conversation-update", "function-call", "hang",
    "model-output",        "speech-update", "status-update",
    "transfer-update",     "transcript",    "tool-calls",
    "user-interrupted",    "voice-input",   "workflow.node.started",
    "assistant.started"};

std::vector<std::string> message_list(const json::object& assistant, std::string_view key,
                                      const std::vector<std::string>& fallback) {
  const auto* list = array_at(assistant, key);
  if (!list) return fallback;
  std::vector<std::string> out;
  for (const auto& v : *list)
    if (const auto* s = v.if_string()) out.emplace_back(*s);
  return out;
}

std::chrono::milliseconds seconds_field(const json::object& o, std::string_view key,
                                        std::chrono::milliseconds fallback) {
  const double s = number_at(o, key, -1);
  return s > 0 ? std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000)) : fallback;
}

// The model's call-control tools reach the call through this, holding it weakly: a turn in
// flight must not keep its call alive (the call owns the conversation that owns the proxy).
class ControlProxy final : public chat::CallControl {
 public:
  explicit ControlProxy(std::weak_ptr<LiveCallImpl> call) : call_(std::move(call)) {}
  std::string end_call(const json::object& tool) override {
    auto c = call_.lock();
    return c ? c->end_call(tool) : "The call has ended";
  }
  std::string transfer(const json::object& tool, const json::object& destination) override {
    auto c = call_.lock();
    return c ? c->transfer(tool, destination) : "The call has ended";
  }
  std::string send_dtmf(const json::object& tool, std::string_view digits) override {
    auto c = call_.lock();
    return c ? c->send_dtmf(tool, digits) : "The call has ended";
  }
  std::string voicemail(const json::object& tool) override {
    auto c = call_.lock();
    return c ? c->voicemail(tool) : "The call has ended";
  }

 private:
  std::weak_ptr<LiveCallImpl> call_;
};

}  // namespace

bool wants_server_message(const json::object& assistant, std::string_view type) {
  for (const auto& t : message_list(assistant, "serverMessages", kDefaultServerMessages))
    if (t == type) return true;
  return false;
}

std::shared_ptr<LiveCall> LiveCall::create(boost::asio::any_io_executor strand,
                                           LiveCallServices services,
                                           std::unique_ptr<CallSink> sink, json::object call,
                                           chat::Conversation conversation, LiveCallOptions options,
                                           json::object phone_number) {
  auto live =
      std::make_shared<LiveCallImpl>(std::move(strand), services, std::move(sink), std::move(call),
                                     std::move(conversation), options, std::move(phone_number));
  live->arm_connect_deadline();
  return live;
}

LiveCallImpl::LiveCallImpl(boost::asio::any_io_executor strand, LiveCallServices services,
                           std::unique_ptr<CallSink> sink, json::object call,
                           chat::Conversation conversation, LiveCallOptions options,
                           json::object phone_number)
    : id_(string_at(call, "id")),
      strand_(strand),
      services_(services),
      sink_(std::move(sink)),
      options_(options),
      phone_number_(std::move(phone_number)),
      call_(std::move(call)),
      conversation_(std::move(conversation)),
      tick_timer_(strand, services.clock),
      endpoint_timer_(strand, services.clock),
      deadline_timer_(strand, services.clock),
      keypad_timer_(strand, services.clock),
      pacer_(std::chrono::milliseconds(20), options.lead_frames),
      transfer_timer_(strand, services.clock) {
  for (const auto& a : conversation_.assistants) members_.emplace_back(a.name, a.id);
  if (!conversation_.assistants.empty()) assistant_ = conversation_.assistants[0].assistant;
  read_plans();
  // The call's own settings are the first assistant's, whoever it is handed to.
  server_messages_ = message_list(assistant_, "serverMessages", kDefaultServerMessages);
  client_messages_ = message_list(assistant_, "clientMessages", kDefaultClientMessages);
  max_duration_ = seconds_field(assistant_, "maxDurationSeconds", max_duration_);
  silence_timeout_ = seconds_field(assistant_, "silenceTimeoutSeconds", silence_timeout_);
  speech_context_.org_id = string_at(call_, "orgId");
  speech_context_.call_id = id_;
  speech_context_.call = call_;
  speech_context_.credentials = std::move(conversation_.speech_credentials);
}

LiveCallImpl::~LiveCallImpl() = default;

void LiveCallImpl::read_plans() {
  start_plan_ = StartSpeakingPlan::of(assistant_);
  stop_plan_ = StopSpeakingPlan::of(assistant_);
  static const json::object kNoVoice;
  const auto* voice = object_at(assistant_, "voice");
  chunk_plan_ = ChunkPlan::of(voice ? *voice : kNoVoice);
  end_call_phrases_.clear();
  if (const auto* phrases = array_at(assistant_, "endCallPhrases"))
    for (const auto& p : *phrases)
      if (const auto* s = p.if_string()) end_call_phrases_.push_back(normalize_words(*s));
  hooks_ = CallHooks::of(assistant_);
  keypad_ = KeypadInput(KeypadPlan::of(assistant_));
}

bool LiveCallImpl::has_member(std::string_view name_or_id) const {
  for (const auto& [name, id] : members_)
    if (!name_or_id.empty() && (name == name_or_id || id == name_or_id)) return true;
  return false;
}

void LiveCallImpl::on_strand(std::function<void(LiveCallImpl&)> f) {
  boost::asio::post(strand_, [self = shared_from_this(), f = std::move(f)] { f(*self); });
}

void LiveCallImpl::arm_connect_deadline() {
  on_strand([](LiveCallImpl& c) {
    c.deadline_timer_.arm_after(c.options_.connect_timeout, [weak = c.weak_from_this()] {
      if (auto self = weak.lock(); self && !self->live_)
        self->finish("call.in-progress.error-providerfault-transport-never-connected");
    });
  });
}

bool LiveCallImpl::claim() {
  if (ended_flag_.load()) return false;
  bool expected = false;
  return claimed_.compare_exchange_strong(expected, true);
}

void LiveCallImpl::connected(std::shared_ptr<CallTransport> transport) {
  on_strand([transport = std::move(transport)](LiveCallImpl& c) mutable {
    c.start(std::move(transport));
  });
}

void LiveCallImpl::end(std::string ended_reason) {
  on_strand([reason = std::move(ended_reason)](LiveCallImpl& c) { c.finish(reason); });
}

json::object LiveCallImpl::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  auto call = call_;
  if (!call.contains("messages") && !live_messages_.empty()) call["messages"] = live_messages_;
  return call;
}

void LiveCallImpl::start(std::shared_ptr<CallTransport> transport) {
  if (ended_flag_.load()) return transport->hang_up();
  transport_ = std::move(transport);
  live_ = true;
  if (services_.metrics) ++services_.metrics->started;
  started_at_ = now();
  grid_origin_ = started_at_;
  started_wall_ms_ = wall_ms();
  last_activity_ = started_at_;
  if (services_.recording)
    recorder_ = CallRecorder::start(*services_.recording, assistant_, started_at_);
  align_for_listeners();  // listeners who joined before the call started hear it from now
  conversation_.call_control = std::make_shared<ControlProxy>(weak_from_this());
  record(calls::events::kStarted);
  // An inbound phone call is in progress from the moment it was answered.
  if (string_at(call_, "status") != "in-progress") {
    {
      std::lock_guard lock(snapshot_mutex_);
      call_["status"] = "in-progress";
      call_["startedAt"] = format_iso8601(started_wall_ms_);
      call_["updatedAt"] = call_["startedAt"];
    }
    std::optional<json::object> update;
    if (wants_server("status-update"))
      update = calls::status_update_message(call_, phone_number_, started_wall_ms_);
    sink_->status_changed(call_, std::move(update));
  }
  if (wants_client("status-update"))
    transport_->send_message(calls::status_update_message(call_, phone_number_, started_wall_ms_));
  deadline_timer_.arm_after(max_duration_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->finish("exceeded-max-duration");
  });
  open_transcriber();
  begin_silence();
  tick();

  const auto mode = string_at(assistant_, "firstMessageMode");
  if (mode == "assistant-speaks-first-with-model-generated-message") return respond();
  if (const auto first = chat::first_message(assistant_)) {
    conversation_.history.push_back(json::object{{"role", "assistant"}, {"content", *first}});
    say(*first, bool_at(assistant_, "firstMessageInterruptionsEnabled", false));
  }
}

void LiveCallImpl::finish(const std::string& ended_reason) {
  if (ended_flag_.exchange(true)) return;
  if (services_.metrics) {
    ++services_.metrics->ended;
    if (ended_reason.rfind("pipeline-error-", 0) == 0) ++services_.metrics->provider_failures;
  }
  const bool was_live = live_;
  if (was_live) run_ending_hooks(ended_reason);
  if (was_live && assistant_speaking_) {
    credit_played(now());
    assistant_stopped_speaking();  // the artifact says what was heard until the end
  }
  live_ = false;
  ++answer_;
  if (turn_) turn_->cancel();
  if (synthesis_) synthesis_->cancel();
  synthesis_.reset();
  if (transcriber_) transcriber_->close();
  tick_timer_.cancel();
  endpoint_timer_.cancel();
  deadline_timer_.cancel();
  keypad_timer_.cancel();
  abandon_transfer_preparation();
  const auto ended_ms = wall_ms();
  if (recorder_) recorder_->finish(now());
  listeners_.close_all();  // after the last of the audio the recorder aligned
  {
    std::lock_guard lock(snapshot_mutex_);
    calls::end_call(call_, ended_reason, ended_ms);
    if (was_live) {
      call_["artifact"] = artifact();
      if (recorder_)
        for (const auto& [key, value] : recorder_->artifact_fields())
          call_["artifact"].as_object()[key] = value;
      call_["messages"] = messages_;
      calls::add_costs(call_, usage(ended_ms));
    }
  }
  auto status = calls::status_update_message(call_, phone_number_, ended_ms);
  if (transport_) {
    if (wants_client("status-update")) transport_->send_message(status);
    transport_->hang_up();
    transport_.reset();  // it holds this call as its CallMedia
  }
  std::optional<json::object> update, report;
  if (wants_server("status-update")) update = std::move(status);
  if (wants_server("end-of-call-report"))
    report = calls::end_of_call_report(call_, phone_number_, ended_ms);
  record(calls::events::kEnded, {{"endedReason", ended_reason}});
  sink_->ended(call_, std::move(update), std::move(report));
  spdlog::info("call {} ended: {}", id_, ended_reason);
}

void LiveCallImpl::record(std::string_view type, json::object data) {
  sink_->event(type, std::move(data));
}

json::object LiveCallImpl::turn_fields(bool latency) const {
  const auto* model = object_at(assistant_, "model");
  json::object out{{"provider", model ? string_at(*model, "provider") : ""},
                   {"model", model ? string_at(*model, "model") : ""}};
  if (latency)
    out["latency"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(now() - turn_started_).count();
  return out;
}

bool LiveCallImpl::wants_server(std::string_view type) const {
  for (const auto& t : server_messages_)
    if (t == type) return true;
  return false;
}

bool LiveCallImpl::wants_client(std::string_view type) const {
  for (const auto& t : client_messages_)
    if (t == type) return true;
  return false;
}

json::object LiveCallImpl::base_message(std::string_view type) const {
  json::object m{{"type", type}, {"timestamp", wall_ms()}, {"call", call_}};
  if (!phone_number_.empty()) m["phoneNumber"] = phone_number_;
  return m;
}

// High-rate messages: to the client as text frames, to the server best effort.
void LiveCallImpl::emit(json::object message) {
  const auto type = std::string(string_at(message, "type"));
  if (transport_ && wants_client(type)) {
    auto client = message;
    client.erase("call");  // the client made the call; the frames stay small
    transport_->send_message(client);
  }
  bool server = wants_server(type);
  if (!server && type == "transcript" && string_at(message, "transcriptType") == "final")
    server = wants_server("transcript[transcriptType=\"final\"]");
  if (server) sink_->notify(std::move(message));
}

void LiveCallImpl::add_artifact_message(std::string role, const std::string& text,
                                        std::int64_t at_ms, std::int64_t end_ms) {
  if (text.empty()) return;
  const double from_start = static_cast<double>(at_ms - started_wall_ms_) / 1000.0;
  messages_.push_back(json::object{{"role", role},
                                   {"message", text},
                                   {"time", at_ms},
                                   {"endTime", end_ms},
                                   {"secondsFromStart", from_start},
                                   {"duration", end_ms - at_ms}});
  // GET /call/{id} shows them while the call is live (not in call_: every message carries it).
  std::lock_guard lock(snapshot_mutex_);
  live_messages_ = messages_;
}

calls::CallUsage LiveCallImpl::usage(std::int64_t ended_ms) const {
  static const json::object kNone;
  const auto* transport = object_at(call_, "transport");
  const auto* transcriber = object_at(assistant_, "transcriber");
  const auto* voice = object_at(assistant_, "voice");
  calls::CallUsage u;
  u.duration_ms = ended_ms - started_wall_ms_;
  u.transport =
      transport ? *transport : json::object{{"provider", string_at(call_, "phoneCallProvider")}};
  u.transcriber = transcriber ? *transcriber : kNone;
  u.voice = voice ? *voice : kNone;
  u.model_costs = model_costs_;
  u.tts_characters = tts_characters_;
  return u;
}

json::object LiveCallImpl::artifact() const {
  std::string transcript;
  for (const auto& m : messages_) {
    const auto& o = m.as_object();
    const auto role = string_at(o, "role");
    transcript += (role == "bot" ? "AI: " : "User: ") + std::string(string_at(o, "message")) + "\n";
  }
  json::array openai;
  for (const auto& m : chat::to_model_messages(conversation_.history)) openai.push_back(m);
  return {{"messages", messages_}, {"messagesOpenAIFormatted", openai}, {"transcript", transcript}};
}

void LiveCallImpl::send_conversation_update() {
  auto message = base_message("conversation-update");
  const auto art = artifact();
  message["messages"] = art.at("messages");
  message["messagesOpenAIFormatted"] = art.at("messagesOpenAIFormatted");
  emit(std::move(message));
}

// CallMedia: from the transport's thread.
void LiveCallImpl::customer_audio(std::vector<std::int16_t> pcm) {
  on_strand([pcm = std::move(pcm)](LiveCallImpl& c) { c.take_customer_audio(pcm); });
}
void LiveCallImpl::control(json::object message) {
  on_strand([m = std::move(message)](LiveCallImpl& c) {
    if (c.live_) c.handle_control(m);
  });
}
void LiveCallImpl::dtmf(std::string digits) {
  on_strand([d = std::move(digits)](LiveCallImpl& c) {
    for (const char key : d) {
      if (c.live_) c.record(calls::events::kDtmfReceived, {{"digit", std::string(1, key)}});
      c.press_key(key);
    }
  });
}
void LiveCallImpl::mark_played(std::string) {}
void LiveCallImpl::hung_up(std::string reason) {
  on_strand([reason = std::move(reason)](LiveCallImpl& c) {
    spdlog::debug("call {}: transport closed: {}", c.id_, reason);
    // A carrier moving the call elsewhere ends its media here: that is the transfer.
    c.finish(c.transfer_sent_ ? "assistant-forwarded-call"
             : c.preparing_ && c.preparing_->plan.warm()
                 ? "customer-ended-call-before-warm-transfer"
                 : "customer-ended-call");
  });
}

// chat::CallControl: runs with the turn's lock held, so it only posts.
std::string LiveCallImpl::end_call(const json::object&) {
  on_strand([](LiveCallImpl& c) {
    const auto message = string_at(c.assistant_, "endCallMessage");
    if (!message.empty()) c.say(std::string(message), false);
    c.pending_end_ = "assistant-ended-call";
    // Otherwise tick() ends it once the caller has heard everything.
    if (!c.speaking_queued() && !c.assistant_speaking_) c.finish(c.pending_end_);
  });
  return "Ending the call";
}
void LiveCallImpl::voicemail_reached() {
  on_strand([](LiveCallImpl& c) {
    if (c.ended_flag_.load()) return;
    c.record(calls::events::kVoicemailDetected);
    const std::string message(string_at(c.assistant_, "voicemailMessage"));
    if (message.empty()) return c.finish("voicemail");
    if (c.assistant_speaking_) c.interrupt();
    c.customer_muted_ = true;  // the machine's greeting is no customer to answer
    c.conversation_.history.push_back(json::object{{"role", "assistant"}, {"content", message}});
    c.say(message, false);
    c.pending_end_ = "voicemail";
  });
}

std::string LiveCallImpl::voicemail(const json::object&) {
  on_strand([](LiveCallImpl& c) { c.finish("assistant-ended-call"); });
  return "Ending the call";
}

}  // namespace sb::voice
