// What a transfer's plan needs before the carrier is asked (calls/transfer_plan.hpp): a
// summary of the call written by the assistant's model (summary modes), and for a warm
// transfer the introduction — the message or that summary, spoken in the assistant's voice
// into a WAV the destination's leg plays. The caller waits in silence meanwhile, after the
// transfer's message; a summary or voice that fails or is late leaves the introduction out
// rather than the caller stranded.

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "media/wav.hpp"
#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// Synthesis of an introduction longer than this is given up.
constexpr std::chrono::seconds kIntroSynthesisLimit{20};

json::object object_copy(const json::object& o, std::string_view key) {
  const auto* inner = object_at(o, key);
  return inner ? *inner : json::object();
}

std::string system_prompt_of(const json::object& assistant) {
  const auto* model = object_at(assistant, "model");
  const auto* messages = model ? array_at(*model, "messages") : nullptr;
  if (!messages) return {};
  for (const auto& m : *messages)
    if (m.is_object() && string_at(m.get_object(), "role") == "system")
      return std::string(string_at(m.get_object(), "content"));
  return {};
}

std::string last_assistant_content(const json::array& output) {
  for (auto it = output.rbegin(); it != output.rend(); ++it)
    if (it->is_object() && string_at(it->get_object(), "role") == "assistant")
      return std::string(string_at(it->get_object(), "content"));
  return {};
}

}  // namespace

void LiveCallImpl::prepare_transfer(json::object destination, calls::TransferPlan plan) {
  preparing_.emplace();
  preparing_->destination = std::move(destination);
  preparing_->plan = std::move(plan);
  if (preparing_->plan.needs_summary()) return summarize_for_transfer();
  introduce_transfer();
}

// One model turn over the summaryPlan's messages, without tools, bounded by its timeout.
void LiveCallImpl::summarize_for_transfer() {
  const auto& plan = preparing_->plan;
  auto messages = calls::summary_messages(plan.summary_plan, string_at(artifact(), "transcript"),
                                          system_prompt_of(assistant_), "");
  json::array instructions, input;
  for (auto& m : messages)
    (m.is_object() && string_at(m.get_object(), "role") == "system" ? instructions : input)
        .push_back(std::move(m));
  chat::ResolvedAssistant writer = conversation_.assistants[0];
  writer.tools.clear();
  writer.squad_destinations.clear();
  auto model = object_copy(writer.assistant, "model");
  model["messages"] = std::move(instructions);
  writer.assistant["model"] = std::move(model);
  chat::Conversation summary;
  summary.org_id = conversation_.org_id;
  summary.chat = conversation_.chat;
  summary.access = conversation_.access;
  summary.assistants.push_back(std::move(writer));
  summary.input = std::move(input);

  const auto weak = weak_from_this();
  auto deliver = [weak](std::string text, std::string why) {
    if (auto self = weak.lock())
      self->on_strand([text = std::move(text), why = std::move(why)](LiveCallImpl& c) {
        c.summary_written(std::move(text), why);
      });
  };
  chat::ChatEvents events;
  events.on_delta = [](std::size_t, std::string_view) { return true; };
  events.on_done = [deliver](chat::ChatResult r) { deliver(last_assistant_content(r.output), ""); };
  events.on_failure = [deliver](chat::ChatFailure f) { deliver("", f.message); };
  events.on_cancelled = [deliver](chat::ChatResult) { deliver("", "it took too long"); };
  transfer_timer_.arm_after(calls::summary_timeout(plan.summary_plan), [weak] {
    if (auto self = weak.lock())
      if (self->preparing_ && self->preparing_->summary) self->preparing_->summary->cancel();
  });
  preparing_->summary = services_.engine.run(std::move(summary), std::move(events));
}

void LiveCallImpl::summary_written(std::string summary, const std::string& why) {
  if (!live_ || !preparing_ || !preparing_->summary) return;
  transfer_timer_.cancel();
  preparing_->summary.reset();
  if (summary.empty())
    spdlog::warn("call {}: no summary for the transfer{}", id_, why.empty() ? "" : ": " + why);
  preparing_->text = std::move(summary);
  if (preparing_->plan.mode == calls::TransferMode::kBlindWithSummaryHeader) {
    // A SIP destination gets it as a header; a number has nowhere to put it.
    auto& d = preparing_->destination;
    if (string_at(d, "type") == "sip" && !preparing_->text.empty()) {
      auto headers = object_copy(d, "sipHeaders");
      headers["X-Transfer-Summary"] = preparing_->text;
      d["sipHeaders"] = std::move(headers);
    }
  }
  introduce_transfer();
}

void LiveCallImpl::introduce_transfer() {
  auto& p = *preparing_;
  if (!p.plan.warm()) return hand_transfer_over(std::nullopt);
  if (p.plan.speaks_message()) p.text = p.plan.message;
  if (p.plan.mode == calls::TransferMode::kWarmTwiml || p.text.empty())
    return hand_transfer_over(TransferIntro{p.plan, ""});
  static const json::object kNoVoice;
  const auto* voice = object_at(assistant_, "voice");
  const auto weak = weak_from_this();
  speech::VoiceEvents events;
  events.on_audio = [weak](std::vector<std::int16_t> pcm) {
    if (auto self = weak.lock())
      self->on_strand([pcm = std::move(pcm)](LiveCallImpl& c) {
        if (c.preparing_)
          c.preparing_->audio.insert(c.preparing_->audio.end(), pcm.begin(), pcm.end());
      });
  };
  events.on_done = [weak] {
    if (auto self = weak.lock())
      self->on_strand([](LiveCallImpl& c) { c.introduction_spoken(""); });
  };
  events.on_failure = [weak](speech::SpeechFailure f) {
    if (auto self = weak.lock())
      self->on_strand([why = std::move(f.message)](LiveCallImpl& c) {
        c.introduction_spoken(why.empty() ? "the voice failed" : why);
      });
  };
  transfer_timer_.arm_after(kIntroSynthesisLimit, [weak] {
    if (auto self = weak.lock()) self->introduction_spoken("it took too long");
  });
  tts_characters_ += static_cast<std::int64_t>(p.text.size());
  p.synthesis = services_.voice.synthesize(voice ? *voice : kNoVoice, speech_context_, p.text,
                                           std::move(events));
}

void LiveCallImpl::introduction_spoken(const std::string& failure) {
  if (!live_ || !preparing_ || !preparing_->synthesis) return;
  transfer_timer_.cancel();
  preparing_->synthesis->cancel();
  preparing_->synthesis.reset();
  TransferIntro intro{preparing_->plan, ""};
  if (!failure.empty()) {
    spdlog::warn("call {}: the transfer's introduction could not be spoken: {}", id_, failure);
  } else {
    const auto& pcm = preparing_->audio;
    const auto bytes = static_cast<std::uint32_t>(pcm.size() * sizeof(std::int16_t));
    intro.audio_wav = media::wav_header({speech::kPipelineRate, 1}, bytes);
    intro.audio_wav.append(reinterpret_cast<const char*>(pcm.data()), bytes);
  }
  hand_transfer_over(std::move(intro));
}

void LiveCallImpl::abandon_transfer_preparation() {
  if (!preparing_) return;
  transfer_timer_.cancel();
  if (preparing_->summary) preparing_->summary->cancel();
  if (preparing_->synthesis) preparing_->synthesis->cancel();
  preparing_.reset();
}

}  // namespace sb::voice
