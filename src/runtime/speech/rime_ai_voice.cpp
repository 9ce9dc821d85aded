#include "runtime/speech/rime_ai_voice.hpp"

#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-rime-ai-voice-failed";
constexpr const char* kDefaultModel = "arcana";  // the RimeAIVoice schema's word
/// The slowest a speed may be asked for: the schema's minimum.
constexpr double kSlowest = 0.1;
/// Fast enough for any caller; keeps speedAlpha away from zero.
constexpr double kFastest = 10;

void check_rime(const boost::json::object& config) {
  check_one_of(config, "model", {"arcana", "mistv2", "mist"});
  check_number(config, "speed", kSlowest, kFastest);
}

net::OutboundRequest rime_ai_request(const boost::json::object& config, std::string_view text,
                                     const VoiceAccess& access) {
  boost::json::object body;
  body["speaker"] = string_at(config, "voiceId");
  body["text"] = text;
  const auto model = string_at(config, "model");
  body["modelId"] = model.empty() ? kDefaultModel : model;
  if (const auto language = string_at(config, "language"); !language.empty())
    body["lang"] = language;
  body["samplingRate"] = kPipelineRate;
  if (const auto* speed = config.if_contains("speed"); speed && speed->is_number())
    body["speedAlpha"] = 1.0 / speed->to_number<double>();
  for (const auto* flag : {"pauseBetweenBrackets", "phonemizeBetweenBrackets", "reduceLatency"})
    if (const auto* value = config.if_contains(flag); value && value->is_bool())
      body[flag] = *value;
  if (const auto inline_speed = string_at(config, "inlineSpeedAlpha"); !inline_speed.empty())
    body["inlineSpeedAlpha"] = inline_speed;
  return json_post(access.base_url + "/v1/rime-tts",
                   {{"Authorization", "Bearer " + access.api_key}, {"Accept", "audio/pcm"}}, body);
}

SpeechFailure rime_ai_failure(const net::OutboundResponse& response) {
  return voice_failure(kFailed, "the Rime API", response);
}

}  // namespace

const HttpVoiceSpec kRimeAiVoice{"rime-ai", kPipelineRate, rime_ai_request, rime_ai_failure,
                                 check_rime};

}  // namespace sb::speech
