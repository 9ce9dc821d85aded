// A live call's control: the control messages (transport, controlUrl) and squad handoffs,
// which switch the member's plans and, when it hears with another one, the transcriber.

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "runtime/chat/chat_setup.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {
namespace json = boost::json;

void LiveCallImpl::hand_off(std::size_t index) {
  if (index == 0 || index >= conversation_.assistants.size()) return;
  const auto* before = object_at(assistant_, "transcriber");
  const auto old_transcriber = before ? *before : json::object{};
  // The engine starts each turn with assistants[0]: the one handed to answers from now on.
  std::swap(conversation_.assistants[0], conversation_.assistants[index]);
  assistant_ = conversation_.assistants[0].assistant;
  read_plans();
  spdlog::info("call {}: handed off to {}", id_, conversation_.assistants[0].name);
  // Its voice is read at each synthesis; its transcriber is a stream, opened anew when the
  // member hears with another one.
  const auto* after = object_at(assistant_, "transcriber");
  if (live_ && transcriber_ && (after ? *after : json::object{}) != old_transcriber) {
    spdlog::info("call {}: the transcriber changes with the handoff", id_);
    transcriber_->close();
    transcriber_.reset();
    partial_.clear();
    open_transcriber();
  }
}

void LiveCallImpl::open_transcriber() {
  static const json::object kNoTranscriber;
  const auto* transcriber = object_at(assistant_, "transcriber");
  speech::TranscriberEvents events;
  // What a stream closed by a handoff still reports is dropped.
  const auto stream = ++transcriber_stream_;
  events.on_transcript = [weak = weak_from_this(), stream](speech::Transcript t) {
    if (auto self = weak.lock())
      self->on_strand([t = std::move(t), stream](LiveCallImpl& c) mutable {
        if (stream == c.transcriber_stream_) c.on_transcript(std::move(t));
      });
  };
  events.on_failure = [weak = weak_from_this(), stream](speech::SpeechFailure f) {
    if (auto self = weak.lock())
      self->on_strand([reason = f.ended_reason, message = f.message, stream](LiveCallImpl& c) {
        if (stream != c.transcriber_stream_) return;
        spdlog::warn("call {}: transcriber failed: {}", c.id_, message);
        c.finish(reason);
      });
  };
  transcriber_ = services_.transcriber.open(transcriber ? *transcriber : kNoTranscriber,
                                            speech_context_, std::move(events));
}

void LiveCallImpl::handle_control(const json::object& message) {
  const auto type = string_at(message, "type");
  if (type == "end-call" || type == "hangup") return finish("customer-ended-call");
  if (type == "say") {
    const auto content = string_at(message, "content");
    if (bool_at(message, "interruptAssistantEnabled", false) && assistant_speaking_) interrupt();
    if (!content.empty()) {
      conversation_.history.push_back(
          json::object{{"role", "assistant"}, {"content", std::string(content)}});
      say(std::string(content), bool_at(message, "interruptionsEnabled", true));
    }
    if (bool_at(message, "endCallAfterSpoken", false))
      pending_end_ = "assistant-ended-call-after-message-spoken";
    return;
  }
  if (type == "handoff") {
    const auto* destination = object_at(message, "destination");
    if (!destination) return;
    auto target = string_at(*destination, "assistantName");
    if (target.empty()) target = string_at(*destination, "assistantId");
    for (std::size_t i = 0; i < conversation_.assistants.size(); ++i) {
      const auto& a = conversation_.assistants[i];
      if (a.name != target && a.id != target) continue;
      if (const auto content = string_at(message, "content"); !content.empty()) {
        conversation_.history.push_back(
            json::object{{"role", "assistant"}, {"content", std::string(content)}});
        say(std::string(content), true);
      }
      return hand_off(i);
    }
    return;
  }
  if (type == "transfer") {  // checked by the route: a destination the call's side can take
    const auto* destination = object_at(message, "destination");
    if (!destination) return;
    auto picked = *destination;
    // Its content is said before the transfer (nothing without one).
    picked["message"] = std::string(string_at(message, "content"));
    return begin_transfer(json::object(), std::move(picked));
  }
  if (type == "add-message") {
    const auto* m = object_at(message, "message");
    if (!m) return;
    conversation_.history.push_back(*m);
    if (bool_at(message, "triggerResponseEnabled", true) && string_at(*m, "role") != "assistant" &&
        !turn_running_)
      respond();
    return;
  }
  if (type == "control") {
    const auto what = string_at(message, "control");
    if (what == "mute-assistant") {
      assistant_muted_ = true;
    } else if (what == "unmute-assistant") {
      assistant_muted_ = false;
    } else if (what == "mute-customer") {
      customer_muted_ = true;
    } else if (what == "unmute-customer") {
      customer_muted_ = false;
    } else if (what == "say-first-message") {
      if (const auto first = chat::first_message(assistant_)) say(*first, true);
    }
  }
}

}  // namespace sb::voice
