#include "runtime/voice/call_hooks.hpp"

#include <cmath>

#include "core/json_fields.hpp"

namespace sb::voice {
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

milliseconds seconds_of(const json::object& o, std::string_view key, milliseconds fallback) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_number()) return fallback;
  return milliseconds(std::llround(v->to_number<double>() * 1000));
}

}  // namespace

CallHooks CallHooks::of(const json::object& assistant) {
  CallHooks hooks;
  const auto* list = array_at(assistant, "hooks");
  if (!list) return hooks;
  static const json::object kNone;
  for (const auto& h : *list) {
    const auto* hook = h.if_object();
    if (!hook) continue;
    const auto* actions = array_at(*hook, "do");
    if (!actions || actions->empty()) continue;
    const auto* o = object_at(*hook, "options");
    const auto& options = o ? *o : kNone;
    const auto on = string_at(*hook, "on");
    if (on == "customer.speech.timeout") {
      SpeechTimeout t;
      t.timeout = seconds_of(options, "timeoutSeconds", t.timeout);
      t.max_count = static_cast<int>(number_at(options, "triggerMaxCount", t.max_count));
      t.reset_on_speech = string_at(options, "triggerResetMode") == "onUserSpeech";
      t.actions = *actions;
      hooks.timeouts_.push_back(std::move(t));
    } else if (on == "call.timeElapsed") {
      hooks.elapsed_.push_back(
          TimeElapsed{seconds_of(options, "seconds", milliseconds(0)), false, *actions});
    } else if (on == "assistant.speech.interrupted") {
      hooks.interrupted_.push_back(*actions);
    } else if (on == "customer.speech.interrupted") {
      hooks.customer_interrupted_.push_back(*actions);
    } else if (on == "call.ending") {
      const auto* filters = array_at(*hook, "filters");
      hooks.ending_.push_back(Ending{filters ? *filters : json::array{}, *actions});
    }
  }
  return hooks;
}

void CallHooks::customer_spoke() {
  for (auto& t : timeouts_)
    if (t.reset_on_speech) t.count = 0;
}

void CallHooks::silence_started() {
  for (auto& t : timeouts_) t.fired_this_silence = false;
}

std::vector<CallHooks::Actions> CallHooks::speech_timeouts_due(milliseconds silence) {
  std::vector<Actions> due;
  for (auto& t : timeouts_) {
    if (t.fired_this_silence || t.count >= t.max_count || silence < t.timeout) continue;
    t.fired_this_silence = true;
    ++t.count;
    due.push_back(t.actions);
  }
  return due;
}

std::vector<CallHooks::Actions> CallHooks::time_elapsed_due(milliseconds elapsed) {
  std::vector<Actions> due;
  for (auto& e : elapsed_) {
    if (e.fired || elapsed < e.at) continue;
    e.fired = true;
    due.push_back(e.actions);
  }
  return due;
}

std::vector<CallHooks::Actions> CallHooks::on_call_ending(const json::object& call) const {
  std::vector<Actions> due;
  for (const auto& e : ending_)
    if (filters_hold(e.filters, call)) due.push_back(e.actions);
  return due;
}

bool filters_hold(const json::array& filters, const json::object& call) {
  for (const auto& f : filters) {
    const auto* filter = f.if_object();
    if (!filter || string_at(*filter, "type") != "oneOf") return false;
    auto key = string_at(*filter, "key");
    if (key.starts_with("call.")) key.remove_prefix(5);
    const auto* field = call.if_contains(key);
    const auto* actual = field ? field->if_string() : nullptr;
    const auto* values = array_at(*filter, "oneOf");
    if (!actual || !values) return false;
    const std::string_view have = *actual;
    bool any = false;
    for (const auto& v : *values) {
      const auto* s = v.if_string();
      if (!s || s->empty()) continue;
      const std::string_view want = *s;
      if (have == want ||
          (have.starts_with(want) && have.size() > want.size() && have[want.size()] == '-')) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

std::optional<std::string> exact_text(const json::object& say, std::size_t pick) {
  const auto* exact = say.if_contains("exact");
  if (!exact) return std::nullopt;
  if (const auto* s = exact->if_string()) return std::string(*s);
  const auto* variants = exact->if_array();
  if (!variants || variants->empty()) return std::nullopt;
  const auto& v = (*variants)[pick % variants->size()];
  if (const auto* s = v.if_string()) return std::string(*s);
  return std::nullopt;
}

std::string prompt_text(const json::object& say, std::string_view transcript) {
  std::string text;
  if (const auto* prompt = say.if_contains("prompt")) {
    if (const auto* s = prompt->if_string()) {
      text = *s;
    } else if (const auto* messages = prompt->if_array()) {
      for (const auto& m : *messages)
        if (const auto* o = m.if_object(); o && o->contains("content"))
          text += (text.empty() ? "" : "\n") + std::string(string_at(*o, "content"));
    }
  }
  constexpr std::string_view kTranscript = "{{transcript}}";
  for (auto at = text.find(kTranscript); at != std::string::npos;
       at = text.find(kTranscript, at + transcript.size()))
    text.replace(at, kTranscript.size(), transcript);
  return text;
}

}  // namespace sb::voice
