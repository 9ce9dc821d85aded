// The conversation of a live call: transcripts become the customer's turns (endpointing), turns
// become the model's answers, answers become chunks of speech and the speech becomes audio.

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "domain/calls/call_costs.hpp"
#include "runtime/voice/call_metrics.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {
namespace json = boost::json;

void LiveCallImpl::on_transcript(speech::Transcript transcript) {
  if (!live_ || transcript.text.empty()) return;
  const auto* transcriber = object_at(assistant_, "transcriber");
  record(transcript.is_final ? calls::events::kFinalTranscript : calls::events::kPartialTranscript,
         {{"provider", transcriber ? string_at(*transcriber, "provider") : ""}});
  if (transcript.is_final) customer_spoke();
  auto m = base_message("transcript");
  m["role"] = "user";
  m["transcriptType"] = transcript.is_final ? "final" : "partial";
  m["transcript"] = transcript.text;
  emit(std::move(m));
  last_activity_ = now();
  if (!transcript.is_final) {
    partial_ = transcript.text;
    if (assistant_speaking_) check_barge_in();
    return;
  }
  partial_.clear();
  if (assistant_speaking_) {
    // "okay" while the assistant talks is listening, not a turn.
    if (only_acknowledgements(stop_plan_, transcript.text)) return;
    // Words over speech that may not be interrupted are answered once it has been said.
    if (interruptible_ && barge_in(stop_plan_, voiced_, transcript.text) == BargeIn::kInterrupt)
      interrupt();
  }
  if (customer_turn_.empty()) customer_turn_started_ms_ = wall_ms();
  customer_turn_ += (customer_turn_.empty() ? "" : " ") + transcript.text;
  // An answer still being written to words the customer has since added to: start over.
  if (turn_running_ && outbound_.empty() && !assistant_speaking_) {
    ++answer_;
    auto slot = std::make_shared<std::optional<chat::ChatResult>>();
    cut_slot_ = slot;
    turn_->cancel();
    cut_slot_.reset();
    turn_running_ = false;
    if (synthesis_) synthesis_->cancel();
    synthesis_.reset();
    speech_queue_.clear();
    segments_.clear();
    // Its customer message is answered again, with the new words.
    if (!conversation_.history.empty()) {
      const auto& last = conversation_.history.back().as_object();
      if (string_at(last, "role") == "user") {
        customer_turn_ = std::string(string_at(last, "content")) + " " + customer_turn_;
        conversation_.history.pop_back();
        if (!messages_.empty()) messages_.pop_back();
      }
    }
  }
  const auto assistant_said = last_assistant_text();
  const auto wait =
      endpoint_wait(start_plan_, customer_turn_, transcript.end_of_turn, assistant_said);
  speak_not_before_ = std::max(speak_not_before_, now() + start_plan_.wait);
  ++endpointing_;
  if (start_plan_.custom_model && !rule_wait(start_plan_, customer_turn_, assistant_said))
    return ask_endpointing(wait);
  endpoint_timer_.arm_after(wait, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->end_of_customer_turn();
  });
}

// smartEndpointingPlan custom-endpointing-model: the customer's server says how long to wait,
// counted from the transcript; without an answer in time, the transcription plan's wait.
void LiveCallImpl::ask_endpointing(std::chrono::milliseconds fallback) {
  constexpr std::chrono::milliseconds kDeadline{2'000};
  static constexpr double kMaxSeconds = 15;  // as customEndpointingRules' timeoutSeconds
  auto message = base_message("call.endpointing.request");
  auto messages = messages_;
  messages.push_back(
      json::object{{"role", "user"},
                   {"message", customer_turn_},
                   {"time", customer_turn_started_ms_},
                   {"secondsFromStart",
                    static_cast<double>(customer_turn_started_ms_ - started_wall_ms_) / 1000.0}});
  message["messages"] = std::move(messages);
  const auto asked = now();
  const auto generation = endpointing_;
  const auto* server = start_plan_.model_server.empty() ? nullptr : &start_plan_.model_server;
  sink_->ask(
      std::move(message), server, kDeadline,
      [weak = weak_from_this(), asked, generation, fallback](std::optional<json::object> reply) {
        auto self = weak.lock();
        if (!self) return;
        auto wait = fallback;
        if (reply)
          if (const auto* t = reply->if_contains("timeoutSeconds"); t && t->is_number())
            wait = std::chrono::milliseconds(
                std::llround(std::clamp(t->to_number<double>(), 0.0, kMaxSeconds) * 1000));
        self->on_strand([asked, generation, wait](LiveCallImpl& c) {
          if (generation != c.endpointing_ || !c.live_) return;  // a newer transcript
          const auto elapsed = c.now() - asked;
          c.endpoint_timer_.arm_after(
              std::max(std::chrono::milliseconds(0),
                       wait - std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)),
              [weak = c.weak_from_this()] {
                if (auto s = weak.lock()) s->end_of_customer_turn();
              });
        });
      });
}

std::string LiveCallImpl::last_assistant_text() const {
  for (auto it = conversation_.history.rbegin(); it != conversation_.history.rend(); ++it) {
    const auto& m = it->as_object();
    if (string_at(m, "role") == "assistant" && m.contains("content") && m.at("content").is_string())
      return std::string(m.at("content").get_string());
  }
  return {};
}

void LiveCallImpl::end_of_customer_turn() {
  if (!live_ || customer_turn_.empty()) return;
  if (assistant_speaking_ || (speaking_queued() && !turn_running_)) {
    answer_when_quiet_ = true;  // tick() comes back once the assistant has finished
    return;
  }
  conversation_.history.push_back(json::object{{"role", "user"}, {"content", customer_turn_}});
  add_artifact_message("user", customer_turn_, customer_turn_started_ms_, wall_ms());
  customer_turn_.clear();
  send_conversation_update();
  respond();
}

void LiveCallImpl::respond(std::string instruction) {
  const auto answer = ++answer_;
  if (services_.metrics) ++services_.metrics->turns;
  awaiting_answer_ = now();
  turn_started_ = now();
  record(calls::events::kTurnStarted);
  hang_sent_ = false;
  tool_runs_.clear();
  blocking_said_ = false;
  held_tools_ = nullptr;
  history_mark_ = conversation_.history.size();
  answer_text_.clear();
  chunker_.emplace(chunk_plan_);
  interruptible_ = true;
  turn_running_ = true;
  chat::ChatEvents events;
  const auto weak = weak_from_this();
  events.on_delta = [weak, answer](std::size_t, std::string_view delta) {
    if (auto self = weak.lock())
      self->on_strand([answer, d = std::string(delta)](LiveCallImpl& c) mutable {
        c.model_delta(answer, std::move(d));
      });
    return true;
  };
  events.on_done = [weak, answer](chat::ChatResult result) {
    if (auto self = weak.lock())
      self->on_strand([answer, r = std::move(result)](LiveCallImpl& c) mutable {
        c.model_done(answer, std::move(r));
      });
  };
  events.on_tool_started = [weak, answer](std::size_t, const llm::ToolCall& call) {
    if (auto self = weak.lock())
      self->on_strand([answer, call](LiveCallImpl& c) { c.tool_started(answer, call); });
  };
  events.on_tool_finished = [weak, answer](std::size_t, const chat::ToolOutcome& outcome) {
    if (auto self = weak.lock())
      self->on_strand([answer, outcome](LiveCallImpl& c) { c.tool_finished(answer, outcome); });
  };
  events.before_tools = [weak, answer](std::function<void()> go) {
    auto self = weak.lock();
    if (!self) return go();  // nothing to wait for
    self->on_strand([answer, go = std::move(go)](LiveCallImpl& c) mutable {
      c.gate_tools(answer, std::move(go));
    });
  };
  events.on_failure = [weak, answer](chat::ChatFailure failure) {
    if (auto self = weak.lock())
      self->on_strand([answer, f = std::move(failure)](LiveCallImpl& c) mutable {
        c.model_failed(answer, std::move(f));
      });
  };
  // Runs inside TurnHandle::cancel(), which only this call's strand calls.
  events.on_cancelled = [weak](chat::ChatResult partial) {
    if (auto self = weak.lock(); self && self->cut_slot_) *self->cut_slot_ = std::move(partial);
  };
  auto conversation = conversation_;
  conversation.input = json::array{};
  if (!instruction.empty())
    conversation.history.push_back(json::object{{"role", "system"}, {"content", instruction}});
  turn_ = services_.engine.run(std::move(conversation), std::move(events));
}

void LiveCallImpl::model_delta(std::uint64_t answer, std::string delta) {
  if (answer != answer_ || !live_ || !chunker_) return;
  answer_started();
  if (answer_text_.empty()) record(calls::events::kFirstToken, turn_fields(true));
  answer_text_ += delta;
  auto m = base_message("model-output");
  m["output"] = delta;
  m["turnId"] = std::to_string(answer);
  emit(std::move(m));
  for (auto& chunk : chunker_->push(delta)) queue_speech(answer, std::move(chunk));
}

void LiveCallImpl::model_done(std::uint64_t answer, chat::ChatResult result) {
  if (late_cut_ && late_cut_->first == answer) {
    calls::merge_model_costs(model_costs_, result.costs);
    keep_heard(late_cut_->second, &result.output);
    hand_off(result.assistant);
    late_cut_.reset();
    return;
  }
  calls::merge_model_costs(model_costs_, result.costs);
  if (answer != answer_ || !live_) return;
  record(calls::events::kResponseSucceeded, turn_fields(true));
  turn_running_ = false;
  answer_started();
  if (chunker_) {
    if (auto rest = chunker_->flush(); !rest.empty()) queue_speech(answer, std::move(rest));
    chunker_.reset();
  }
  // A provider that answered without streaming: its text is said whole.
  if (answer_text_.empty() && !result.output.empty()) {
    const auto& last = result.output.back().as_object();
    if (string_at(last, "role") == "assistant" && !string_at(last, "content").empty()) {
      answer_text_ = std::string(string_at(last, "content"));
      queue_speech(answer, answer_text_);
    }
  }
  for (auto& m : result.output) conversation_.history.push_back(std::move(m));
  hand_off(result.assistant);
  for (auto& content : system_for_model_)
    conversation_.history.push_back(json::object{{"role", "system"}, {"content", content}});
  system_for_model_.clear();
  send_conversation_update();
  check_end_call_phrases(answer_text_);
  if (!speaking_queued() && !pending_end_.empty()) finish(pending_end_);
}

void LiveCallImpl::model_failed(std::uint64_t answer, chat::ChatFailure failure) {
  if (late_cut_ && late_cut_->first == answer) late_cut_.reset();
  if (answer != answer_ || !live_) return;
  turn_running_ = false;
  answer_started();
  spdlog::warn("call {}: model failed: {}", id_, failure.message);
  auto failed = turn_fields(false);
  failed["error"] = failure.message;
  record(calls::events::kResponseFailed, std::move(failed));
  finish(failure.ended_reason.empty() ? "pipeline-error-openai-llm-failed" : failure.ended_reason);
}

// The interrupted answer's output joins the history with its spoken text cut to what was
// heard (its tool calls and results stay: they happened). Without `output`, the answer is
// already in the history from history_mark_ on.
void LiveCallImpl::keep_heard(const std::string& heard, json::array* output) {
  auto& history = conversation_.history;
  if (output) {
    history_mark_ = history.size();
    for (auto& m : *output) history.push_back(std::move(m));
  }
  for (std::size_t i = history.size(); i > history_mark_; --i) {
    auto& m = history[i - 1].as_object();
    if (string_at(m, "role") != "assistant" || !m.contains("content")) continue;
    if (!m.at("content").is_string()) continue;
    if (heard.empty() && !m.contains("tool_calls")) {
      history.erase(history.begin() + static_cast<std::ptrdiff_t>(i - 1));
    } else {
      m["content"] = heard;
    }
    break;
  }
}

void LiveCallImpl::check_end_call_phrases(const std::string& text) {
  const auto said = normalize_words(text);
  for (const auto& phrase : end_call_phrases_)
    if (contains_phrase(said, phrase)) {
      pending_end_ = "assistant-said-end-call-phrase";
      return;
    }
}

void LiveCallImpl::say(std::string text, bool interruptible) {
  // Words said outside a model turn (greeting, say) are an answer of their own, unless an
  // answer is still being said: they follow it (a new answer would drop the rest of its audio).
  if (!speaking_queued() && !assistant_speaking_) {
    ++answer_;
    history_mark_ = conversation_.history.empty() ? 0 : conversation_.history.size() - 1;
  }
  interruptible_ = interruptible;
  check_end_call_phrases(text);
  queue_speech(answer_, std::move(text));
}

void LiveCallImpl::queue_speech(std::uint64_t answer, std::string text, bool keys, bool sip_info) {
  if (answer != answer_) return;
  speech_queue_.push_back({std::move(text), keys, sip_info});
  if (!synthesis_) synthesize_next();
}

void LiveCallImpl::synthesize_next() {
  if (speech_queue_.empty() || !live_) return;
  auto [text, keys, sip_info] = std::move(speech_queue_.front());
  speech_queue_.pop_front();
  const auto answer = answer_;
  if (keys) return play_keys(answer, text, sip_info);
  segments_.push_back(SpokenSegment{answer, text, 0, 0, false});
  tts_characters_ += static_cast<std::int64_t>(text.size());
  static const json::object kNoVoice;
  const auto* voice = object_at(assistant_, "voice");
  speech::VoiceEvents events;
  const auto weak = weak_from_this();
  events.on_audio = [weak, answer](std::vector<std::int16_t> pcm) {
    if (auto self = weak.lock())
      self->on_strand([answer, pcm = std::move(pcm)](LiveCallImpl& c) mutable {
        c.synthesis_audio(answer, std::move(pcm));
      });
  };
  events.on_done = [weak, answer] {
    if (auto self = weak.lock())
      self->on_strand([answer](LiveCallImpl& c) { c.synthesis_done(answer); });
  };
  events.on_failure = [weak, answer](speech::SpeechFailure f) {
    if (auto self = weak.lock())
      self->on_strand([answer, f = std::move(f)](LiveCallImpl& c) {
        if (answer != c.answer_) return;
        spdlog::warn("call {}: voice failed: {}", c.id_, f.message);
        c.finish(f.ended_reason);
      });
  };
  synthesis_ = services_.voice.synthesize(voice ? *voice : kNoVoice, speech_context_,
                                          std::move(text), std::move(events));
}

void LiveCallImpl::synthesis_audio(std::uint64_t answer, std::vector<std::int16_t> pcm) {
  if (answer != answer_ || !live_ || segments_.empty()) return;
  outbound_.insert(outbound_.end(), pcm.begin(), pcm.end());
  segments_.back().samples += pcm.size();
  // The first audio of an answer goes out now, not at the next tick; so does audio that comes
  // while the pacer still has room (the lead behind a first piece that was one frame).
  if (now() < speak_not_before_) return;
  if (!assistant_speaking_) return tick();
  send_due(now());
}

void LiveCallImpl::synthesis_done(std::uint64_t answer) {
  if (answer != answer_ || !live_) return;
  if (!segments_.empty()) segments_.back().complete = true;
  synthesis_.reset();
  synthesize_next();
}

}  // namespace sb::voice
