#include "runtime/speech/openai_voice.hpp"

#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-openai-voice-failed";
constexpr const char* kDefaultModel = "tts-1";

bool takes_instructions(std::string_view model) {
  return !model.starts_with("tts-1");
}

net::OutboundRequest openai_speech_request(const boost::json::object& config, std::string_view text,
                                           const VoiceAccess& access) {
  boost::json::object body;
  auto model = string_at(config, "model");
  if (model.empty()) model = kDefaultModel;
  body["model"] = model;
  body["voice"] = string_at(config, "voiceId");
  body["input"] = text;
  body["response_format"] = "pcm";
  if (const auto* speed = config.if_contains("speed"); speed && speed->is_number())
    body["speed"] = *speed;
  if (const auto instructions = string_at(config, "instructions");
      !instructions.empty() && takes_instructions(model)) {
    body["instructions"] = instructions;
  }
  return json_post(access.base_url + "/audio/speech",
                   {{"Authorization", "Bearer " + access.api_key}}, body);
}

SpeechFailure openai_voice_failure(const net::OutboundResponse& response) {
  return voice_failure(kFailed, "the OpenAI speech API", response);
}

}  // namespace

const HttpVoiceSpec kOpenAiVoice{"openai", kOpenAiPcmRate, openai_speech_request,
                                 openai_voice_failure, nullptr};

}  // namespace sb::speech
