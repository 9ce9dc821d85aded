#include "domain/calls/voicemail_plan.hpp"

#include <algorithm>

#include "core/json_fields.hpp"

namespace sb::calls {
namespace json = boost::json;

namespace {

std::optional<int> whole_number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return static_cast<int>(v->to_number<double>());
}

}  // namespace

std::optional<VoicemailPlan> VoicemailPlan::twilio_of(const json::object& assistant) {
  const auto* detection = object_at(assistant, "voicemailDetection");
  if (!detection || string_at(*detection, "provider") != "twilio" ||
      !bool_at(*detection, "enabled", true))
    return std::nullopt;
  VoicemailPlan plan;
  if (const auto* types = detection->if_contains("voicemailDetectionTypes");
      types && types->is_array())
    for (const auto& t : types->as_array())
      if (t.is_string()) plan.types.emplace_back(t.get_string());
  if (plan.types.empty()) plan.types = {"machine_end_beep", "machine_end_silence"};
  plan.timeout_seconds = whole_number(*detection, "machineDetectionTimeout");
  plan.speech_threshold_ms = whole_number(*detection, "machineDetectionSpeechThreshold");
  plan.speech_end_threshold_ms = whole_number(*detection, "machineDetectionSpeechEndThreshold");
  plan.silence_timeout_ms = whole_number(*detection, "machineDetectionSilenceTimeout");
  return plan;
}

bool VoicemailPlan::is_voicemail(std::string_view answered_by) const {
  return std::find(types.begin(), types.end(), answered_by) != types.end();
}

}  // namespace sb::calls
