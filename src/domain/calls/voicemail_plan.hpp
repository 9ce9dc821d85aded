#pragma once
// An assistant's voicemailDetection, as far as this server acts on it: Twilio's answering
// machine detection on outbound Twilio calls (the TwilioVoicemailDetectionPlan). The other
// providers (vapi, google, openai) detect from the call's audio with a model; they are not
// supported yet, and leave `twilio` off.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::calls {

struct VoicemailPlan {
  /// AnsweredBy values that mean voicemail (Vapi's default: machine_end_beep,
  /// machine_end_silence).
  std::vector<std::string> types;
  /// Twilio's tuning, sent only when set: seconds, then milliseconds.
  std::optional<int> timeout_seconds;
  std::optional<int> speech_threshold_ms;
  std::optional<int> speech_end_threshold_ms;
  std::optional<int> silence_timeout_ms;

  /// The plan of `assistant`'s voicemailDetection when it asks for Twilio's detection and has
  /// not turned it off (`enabled: false`); none otherwise ("off", absent, another provider).
  static std::optional<VoicemailPlan> twilio_of(const boost::json::object& assistant);
  /// Whether Twilio's AnsweredBy means voicemail under this plan.
  bool is_voicemail(std::string_view answered_by) const;
};

}  // namespace sb::calls
