#include "runtime/speech/playht_voice.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-playht-voice-failed";

/// A Vapi setting, the PlayHT field it is sent as, and its range in PlayHTVoice.
struct NumberField {
  std::string_view vapi;
  std::string_view playht;
  double low;
  double high;
};
constexpr NumberField kNumbers[] = {{"speed", "speed", 0.1, 5},
                                    {"temperature", "temperature", 0.1, 2},
                                    {"voiceGuidance", "voice_guidance", 1, 6},
                                    {"styleGuidance", "style_guidance", 1, 30},
                                    {"textGuidance", "text_guidance", 1, 2}};

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The reason for a 400 or 403, from what PlayHT's error body says.
const char* reason_of_refusal(int status, std::string_view body) {
  const auto said = lowercase(body);
  auto says = [&](std::string_view word) { return said.find(word) != std::string::npos; };
  if (status == 403) {
    return says("character") || says("credit")
               ? "pipeline-error-playht-403-forbidden-out-of-characters"
               : "pipeline-error-playht-403-forbidden-api-access-not-available";
  }
  if (says("emotion")) return "pipeline-error-playht-invalid-emotion";
  if (says("manifest")) return "pipeline-error-playht-voice-must-be-a-valid-voice-manifest-uri";
  if (says("voice")) return "pipeline-error-playht-invalid-voice";
  return kFailed;
}

const char* reason_of(const net::OutboundResponse& response) {
  if (response.error == "timeout") return "pipeline-error-playht-request-timed-out";
  if (!response.error.empty()) return kFailed;  // no answer, or a stream cut short
  switch (response.status) {
    case 400:
    case 403:
      return reason_of_refusal(response.status, response.body);
    case 401:
      return "pipeline-error-playht-401-unauthorized";
    case 402:
      return "pipeline-error-playht-out-of-credits";
    case 429:
      return "pipeline-error-playht-429-exceeded-quota";
    case 500:
      return "pipeline-error-playht-unexpected-error";
    case 502:
      return "pipeline-error-playht-502-gateway-error";
    case 504:
      return "pipeline-error-playht-504-gateway-error";
    default:
      return kFailed;
  }
}

net::OutboundRequest playht_request(const boost::json::object& config, std::string_view text,
                                    const VoiceAccess& access) {
  boost::json::object body;
  body["text"] = text;
  body["voice"] = string_at(config, "voiceId");
  if (const auto model = string_at(config, "model"); !model.empty()) body["voice_engine"] = model;
  body["output_format"] = "wav";
  body["sample_rate"] = kPipelineRate;
  for (const auto& field : kNumbers)
    if (const auto* value = config.if_contains(field.vapi); value && value->is_number())
      body[field.playht] = *value;
  for (const auto* name : {"emotion", "language"})
    if (const auto value = string_at(config, name); !value.empty()) body[name] = value;
  return json_post(
      access.base_url + "/api/v2/tts/stream",
      {{"X-USER-ID", access.extra}, {"AUTHORIZATION", access.api_key}, {"accept", "audio/wav"}},
      body);
}

SpeechFailure playht_failure(const net::OutboundResponse& response) {
  return voice_failure(reason_of(response), "the PlayHT API", response);
}

void check_playht(const boost::json::object& config) {
  for (const auto& field : kNumbers) check_number(config, field.vapi, field.low, field.high);
  check_one_of(config, "model", {"PlayHT2.0", "PlayHT2.0-turbo", "Play3.0-mini", "PlayDialog"});
  check_one_of(config, "emotion",
               {"female_happy", "female_sad", "female_angry", "female_fearful", "female_disgust",
                "female_surprised", "male_happy", "male_sad", "male_angry", "male_fearful",
                "male_disgust", "male_surprised"});
}

}  // namespace

const HttpVoiceSpec kPlayHtVoice{"playht", kPipelineRate, playht_request, playht_failure,
                                 check_playht};

}  // namespace sb::speech
