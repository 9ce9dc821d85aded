#include "runtime/speech/lmnt_voice.hpp"

#include "core/api_error.hpp"
#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-lmnt-voice-failed";

void check_lmnt(const boost::json::object& config) {
  check_number(config, "speed", 0.25, 2);
  if (const auto* language = config.if_contains("language");
      language && (!language->is_string() || language->get_string().empty())) {
    throw ApiError::bad_request("voice.language must be a two-letter language code or auto");
  }
}

net::OutboundRequest lmnt_request(const boost::json::object& config, std::string_view text,
                                  const VoiceAccess& access) {
  boost::json::object body;
  body["voice"] = string_at(config, "voiceId");
  body["text"] = text;
  body["format"] = "pcm_s16le";
  body["sample_rate"] = kPipelineRate;
  if (const auto language = string_at(config, "language"); !language.empty())
    body["language"] = language;
  if (const auto* speed = config.if_contains("speed"); speed && speed->is_number())
    body["speed"] = *speed;
  return json_post(access.base_url + "/v1/ai/speech/bytes",
                   {{"X-API-Key", access.api_key}, {"lmnt-version", std::string(kLmntVersion)}},
                   body);
}

SpeechFailure lmnt_failure(const net::OutboundResponse& response) {
  return voice_failure(kFailed, "the LMNT API", response);
}

}  // namespace

const HttpVoiceSpec kLmntVoice{"lmnt", kPipelineRate, lmnt_request, lmnt_failure, check_lmnt};

}  // namespace sb::speech
