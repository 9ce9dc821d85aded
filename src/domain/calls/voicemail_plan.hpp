#pragma once
// An assistant's voicemailDetection, as far as this server acts on it: the carrier's answering
// machine detection on outbound phone calls, asked for with the TwilioVoicemailDetectionPlan,
// the one plan of carrier detection Vapi has. On Twilio it is what the plan says; Telnyx's
// TeXML takes the same parameters and answers in the same AnsweredBy words; Vonage's advanced
// machine detection has no tuning, and its verdicts are read in those words (human,
// machine_start, machine_end_beep at the beep). The other providers (vapi, google, openai)
// detect from the call's audio with a model; they are not supported yet.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::calls {

struct VoicemailPlan {
  /// AnsweredBy values that mean voicemail (Vapi's default: machine_end_beep,
  /// machine_end_silence).
  std::vector<std::string> types;
  /// Twilio's tuning, sent only when set: seconds, then milliseconds (Telnyx takes its timeout
  /// in milliseconds too).
  std::optional<int> timeout_seconds;
  std::optional<int> speech_threshold_ms;
  std::optional<int> speech_end_threshold_ms;
  std::optional<int> silence_timeout_ms;

  /// The plan of `assistant`'s voicemailDetection when it asks for Twilio's detection and has
  /// not turned it off (`enabled: false`); none otherwise ("off", absent, another provider).
  static std::optional<VoicemailPlan> twilio_of(const boost::json::object& assistant);
  /// Whether an AnsweredBy verdict (CarrierReport::answered_by) means voicemail under this plan.
  bool is_voicemail(std::string_view answered_by) const;
};

}  // namespace sb::calls
